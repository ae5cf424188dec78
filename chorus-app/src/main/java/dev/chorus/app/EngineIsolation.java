package dev.chorus.app;

import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.host.CrashGuard;
import dev.chorus.cluster.host.EngineHosts;
import dev.chorus.cluster.host.HostControl;
import dev.chorus.cluster.host.QuarantinedVoices;
import dev.chorus.cluster.host.IsolatedEngines;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.ChorusServer;
import dev.chorus.server.ServerConfig;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.spi.TtsEngineProvider;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code engines.isolation: process} changes in {@code chorus serve}: the {@code engines.isolated} engines
 * run in supervised engine host processes (each a {@code chorus serve --role worker} on loopback, reached through
 * the cluster's worker API), so a crash in their native code costs a host, which restarts, and never the server.
 * This process keeps its other engines, and its catalog lists the hosts' voices beside its own.
 */
final class EngineIsolation implements AutoCloseable {

    /** Set in an engine host's environment to the server's process id: the host exits when the server is gone. */
    static final String PARENT_ENV = "CHORUS_ENGINE_HOST_PARENT";
    /** Settings a host takes from its server (engine settings, limits, text); the rest are its own. */
    private static final Pattern HOST_KEYS = Pattern.compile("engines\\.[a-z0-9_-]+\\..+|engines\\.workers|voices\\.dirs"
            + "|limits\\..+|text\\..+|logging\\.capture-native-stderr|cache\\.sentence\\..+|server\\.warm-up"
            + "|cluster\\.report-interval");

    /**
     * The gateway's link logger: it warns, with a stack trace, at every reconnection to a worker that is down, which
     * a restarting host is for a few seconds; its crash is already logged once, with its signal, by the supervisor.
     */
    private static final java.util.logging.Logger LINKS =
            java.util.logging.Logger.getLogger("dev.chorus.cluster.gateway.WorkerLink");

    private final SourcedSettings s;
    private final Set<String> isolated;
    private Path dir;
    private EngineHosts hosts;
    private Gateway gateway;
    private CrashGuard guard;

    private EngineIsolation(SourcedSettings s, Set<String> isolated) {
        this.s = s;
        this.isolated = isolated;
    }

    /**
     * Reads {@code engines.isolation} and checks it fits the role; an engine host watches its server from here.
     *
     * @return the isolation, {@link #active()} only for {@code process} with some isolated engine enabled
     */
    static EngineIsolation of(ServeSettings settings, ClusterMode.Role role) {
        watchParent();
        SourcedSettings s = settings.sourced();
        String mode = s.string("engines.isolation").strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("none") && !mode.equals("process")) {
            throw new InvalidInputException("engines.isolation", s.label("engines.isolation") + ": '"
                    + s.string("engines.isolation") + "' (expected: none or process)");
        }
        int n = s.guard("engines.isolation-hosts", () -> s.integer("engines.isolation-hosts"));
        if (n < 1 || n > 16) {
            throw new InvalidInputException("engines.isolation-hosts", s.label("engines.isolation-hosts") + ": " + n
                    + " (expected: 1..16)");
        }
        Duration q = s.duration("engines.quarantine");
        if (q.isZero() || q.isNegative()) {
            throw new InvalidInputException("engines.quarantine", s.label("engines.quarantine") + ": " + q
                    + " (expected: > 0)");
        }
        Duration hang = s.duration("engines.isolation-hang-timeout");
        if (hang.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidInputException("engines.isolation-hang-timeout", s.label("engines.isolation-hang-timeout")
                    + ": " + hang + " (expected: >= 1s)");
        }
        if (mode.equals("none")) {
            return new EngineIsolation(s, Set.of());
        }
        if (role != ClusterMode.Role.ALL) {
            throw new InvalidInputException("engines.isolation", "engines.isolation process needs cluster.role all "
                    + "(in a cluster the engines already run on workers, and a crashed worker's requests resume "
                    + "on another)");
        }
        Set<String> ids = new LinkedHashSet<>(s.list("engines.isolated"));
        if (s.has("engines.enabled")) {
            ids.retainAll(s.list("engines.enabled"));
        }
        return new EngineIsolation(s, Set.copyOf(ids));
    }

    /** Tells whether some engines run in host processes. */
    boolean active() {
        return !isolated.isEmpty();
    }

    /** Returns the server settings: the default voice is warmed up by its host when its engine is isolated. */
    ServerConfig.Builder adjust(ServerConfig.Builder b) {
        if (!active()) {
            return b;
        }
        String voice = s.string("engines.default-voice");
        int colon = voice.indexOf(':');
        boolean local = colon > 0 && !isolated.contains(voice.substring(0, colon))
                && (!s.has("engines.enabled") || s.list("engines.enabled").contains(voice.substring(0, colon)));
        return local ? b : b.warmUp(false);
    }

    /**
     * Starts the engine hosts, waits for their first report, and returns the registry: this process's own engines
     * but the isolated ones, and the hosts' voices.
     */
    EngineRegistry registry(ServeSettings settings, PrintWriter err) throws InterruptedException {
        try {
            dir = Files.createTempDirectory("chorus-engine-hosts");
            Path config = dir.resolve("host.json");
            Files.writeString(config, hostConfig(), StandardCharsets.UTF_8);
            EngineHosts.Builder b = EngineHosts.builder(port -> command(config, port));
            String level = System.getenv("CHORUS_LOG_LEVEL");
            if (level != null) {
                b.environment("CHORUS_LOG_LEVEL", level);
            }
            hosts = b
                    .hosts(s.integer("engines.isolation-hosts"))
                    .withoutEnvironment("CHORUS_")
                    .environment(PARENT_ENV, Long.toString(ProcessHandle.current().pid()))
                    .directory(dir).errorReports(dir).start();
        } catch (IOException e) {
            throw new UncheckedIOException("engine hosts: " + e.getMessage(), e);
        }
        LINKS.setLevel(java.util.logging.Level.SEVERE);
        // One attempt per call: the crash guard re-runs what a host's death cut, one suspect at a time.
        gateway = Gateway.builder(hosts.addresses()).maxAttempts(1).build();
        Duration wait = s.duration("cluster.startup-wait");
        err.println("chorus: starting " + hosts.addresses().size() + " engine host process(es) for " + isolated
                + " on " + hosts.addresses() + "; waiting up to " + wait.toSeconds() + " s");
        err.flush();
        if (!gateway.awaitWorkers(wait)) {
            close();
            throw new EngineUnavailableException("no engine host for " + isolated + " came up within "
                    + "cluster.startup-wait (" + wait.toSeconds() + " s); see the engine host lines in the log");
        }
        List<TtsEngineProvider> providers = new ArrayList<>();
        ServiceLoader.load(TtsEngineProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> !isolated.contains(p.id())).forEach(providers::add);
        gateway.engineProviders().forEach(p -> providers.add(new QuarantinedVoices(p,
                () -> guard == null ? Map.of() : guard.quarantinedVoices())));
        return settings.registry().providers(providers).build();
    }

    /** Creates the server: isolated engines' requests go to the hosts through the crash guard. */
    ChorusServer create(Synthesizer synthesizer, ServerConfig config) {
        guard = new CrashGuard(gateway.synthesis(synthesizer.registry()), HostControl.of(hosts, gateway::loads),
                s.duration("engines.quarantine"), 2, s.duration("engines.isolation-hang-timeout"), System::nanoTime,
                v -> synthesizer.registry().resolve(v).id());
        hosts.addCrashListener(guard::hostCrashed);
        Synthesis routed = new IsolatedEngines(Synthesis.local(synthesizer), guard, isolated, synthesizer.registry());
        ChorusServer server = ChorusServer.create(synthesizer, config, routed,
                Map.of("/admin/engine-hosts", gateway.status()));
        hosts.bindMetrics(server.meterRegistry());
        guard.bindMetrics(server.meterRegistry());
        gateway.bindMetrics(server.meterRegistry());
        return server;
    }

    private List<String> command(Path config, int port) {
        List<String> cmd = new ArrayList<>(EngineHosts.javaCommand(dir));
        cmd.addAll(List.of(Main.class.getName(), "serve", "--config", config.toString(), "--role", "worker",
                "--host", "127.0.0.1", "--port", "0", "--worker-port", Integer.toString(port)));
        return cmd;
    }

    /** Returns the hosts' settings file (JSON, which YAML reads): the engine settings of this server, and more. */
    private String hostConfig() {
        StringBuilder b = new StringBuilder("{");
        for (String key : s.keys()) {
            if (HOST_KEYS.matcher(key).matches() && !key.startsWith("engines.isolat")
                    && !"default".equals(s.source(key))) {
                entry(b, key, s.value(key));
            }
        }
        entry(b, "engines.enabled", List.copyOf(isolated));
        entry(b, "jobs.enabled", "false");
        // Plain lines: this process logs each of them as one of its own, in its own format.
        entry(b, "logging.format", "text");
        entry(b, "engines.isolation", "none");
        String voice = s.string("engines.default-voice");
        if (voice.indexOf(':') > 0 && isolated.contains(voice.substring(0, voice.indexOf(':')))) {
            entry(b, "engines.default-voice", voice);
        }
        return b.append('}').toString();
    }

    private static void entry(StringBuilder b, String key, Object value) {
        if (b.length() > 1) {
            b.append(',');
        }
        b.append(json(key)).append(':');
        if (value instanceof List<?> l) {
            b.append('[').append(String.join(",", l.stream().map(v -> json(String.valueOf(v))).toList())).append(']');
        } else {
            b.append(json(String.valueOf(value)));
        }
    }

    private static String json(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** In an engine host: exits when the server that started it is gone, so no host outlives its server. */
    private static void watchParent() {
        String parent = System.getenv(PARENT_ENV);
        if (parent == null || parent.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent.strip())).ifPresentOrElse(
                h -> h.onExit().thenRun(() -> Runtime.getRuntime().halt(0)), () -> Runtime.getRuntime().halt(0));
    }

    @Override
    public void close() {
        if (guard != null) {
            guard.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (hosts != null) {
            hosts.close();
        }
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve("host.json"));
                try (var left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            } catch (IOException e) {
                // A temporary directory left behind.
            }
        }
    }
}

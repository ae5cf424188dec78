package dev.chorus.app;

import com.linecorp.armeria.common.Flags;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.ChorusServer;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.TlsConfig;
import dev.chorus.server.Tracing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/** {@code chorus serve}: runs the server until the process is told to stop, then drains in-flight requests. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve the OpenAI-compatible speech API, the Chorus REST and gRPC APIs on one port "
                + "(and a mutual-TLS port when configured).",
        footer = {"", "Settings: defaults, then --config FILE, then CHORUS_* variables, then flags;",
                "every setting is listed in docs/configuration.md.",
                "SIGTERM or Ctrl-C drains in-flight requests, then stops.",
                "Exit status: 0 stopped, 2 bad setting, 3 default voice not installed,",
                "4 engine unavailable, 5 port or file error."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML settings file (default: $CHORUS_CONFIG, if set).")
    Path config;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port to listen on (default 8080).")
    Integer port;

    @Option(names = "--wyoming-port", paramLabel = "PORT",
            description = "Serve the Wyoming protocol (Home Assistant) on this port, usually 10200 (default: off).")
    Integer wyomingPort;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "all (default: the whole platform in this process), gateway (no engines; synthesis on "
                    + "--workers) or worker (engines plus the worker API on --worker-port).")
    String role;

    @Option(names = "--worker-port", paramLabel = "PORT", description = "A worker's port for the worker API.")
    Integer workerPort;

    @Option(names = "--workers", paramLabel = "HOST:PORT,...",
            description = "A gateway's workers: HOST:PORT, NAME:PORT (DNS), dns+srv://NAME or "
                    + "k8s://SERVICE.NAMESPACE:PORT, comma-separated.")
    String workers;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the job store and the jobs' audio live (default: $CHORUS_DATA_DIR, else "
                    + "$XDG_DATA_HOME/chorus or ~/.local/share/chorus).")
    Path dataDir;

    @Option(names = "--print-config", description = "Print the settings in effect, with their sources, and exit.")
    boolean printConfig;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, String> env = System.getenv();
        Path file = config != null ? config : env.containsKey("CHORUS_CONFIG") ? Path.of(env.get("CHORUS_CONFIG"))
                : null;
        Map<String, String> flags = new LinkedHashMap<>();
        if (host != null) {
            flags.put("server.host", host);
        }
        if (port != null) {
            flags.put("server.port", port.toString());
        }
        if (wyomingPort != null) {
            flags.put("wyoming.port", wyomingPort.toString());
        }
        ClusterFlags.put(flags, role, workerPort, workers);
        if (dataDir != null) {
            flags.put("data.dir", dataDir.toString());
        }
        ServeSettings settings = ServeSettings.load(file, env, flags);
        // Before anything opens a socket: the network library reads its transport once.
        if (!printConfig) {
            settings.applyTransport();
        }
        ClusterMode cluster = ClusterMode.of(settings);
        EngineIsolation isolation = EngineIsolation.of(settings, cluster.role());
        if (printConfig) {
            settings.serverConfig();
            settings.describe().forEach(spec.commandLine().getOut()::println);
            return ExitCodes.OK;
        }
        Logging.apply(settings.logFormat(), settings.accessLog());
        // Native standard error becomes log lines; the command's own lines then go to the real standard error
        // (its picocli writer was made over descriptor 2, which feeds the native log from now on).
        java.io.PrintStream realErr = settings.captureNativeStderr() ? NativeStderr.capture() : null;
        PrintWriter err = realErr == null ? spec.commandLine().getErr()
                : new PrintWriter(new java.io.OutputStreamWriter(realErr, java.nio.charset.StandardCharsets.UTF_8), true);
        Tracing tracing = Tracing.configure(env);
        ServerConfig serverConfig = settings.serverConfig(b -> isolation.adjust(cluster.adjust(tracing.applyTo(b))));
        long t0 = System.nanoTime();
        EngineRegistry registry = isolation.active() ? isolation.registry(settings, err)
                : cluster.registry(settings, serverConfig, err);
        Synthesizer synthesizer = settings.synthesizer(registry).build();
        long engines = System.nanoTime();
        ChorusServer server;
        try {
            server = (isolation.active() ? isolation.create(synthesizer, serverConfig)
                    : cluster.create(synthesizer, serverConfig)).start();
        } catch (CompletionException e) {
            synthesizer.close();
            isolation.close();
            tracing.close();
            // Netty's native transport reports a busy port as its own IOException, not a BindException.
            if (e.getCause() instanceof IOException bind) {
                throw new IOException("cannot listen on " + addresses(serverConfig) + ": " + bind.getMessage()
                        + " (choose another with --port or CHORUS_PORT, or CHORUS_TLS_PORT)", bind);
            }
            throw e;
        } catch (RuntimeException e) {
            synthesizer.close();
            isolation.close();
            tracing.close();
            throw e;
        }
        TlsConfig tls = serverConfig.tls();
        String listening = (serverConfig.plaintext() ? String.format(Locale.ROOT, "http://%s:%d (HTTP/1.1, h2c, gRPC)",
                serverConfig.host(), server.port()) : "")
                + (serverConfig.plaintext() && tls != null ? " and " : "")
                + (tls == null ? "" : String.format(Locale.ROOT, "https://%s:%d (HTTPS, HTTP/2, gRPC; client "
                        + "certificate %s)", tls.host() != null ? tls.host() : serverConfig.host(), server.tlsPort(),
                tls.clientAuth() == TlsConfig.ClientAuth.REQUIRE ? "required" : "optional"));
        err.printf(Locale.ROOT, "chorus: listening on %s; transport %s; engines: %s%s"
                        + " (opened in %.1f s, server started in %.1f s)%n",
                listening, Flags.transportType().lowerCasedName(), registry.engines().keySet(),
                registry.unavailable().isEmpty() ? "" : "; unavailable: " + registry.unavailable().keySet(),
                (engines - t0) / 1e9, (System.nanoTime() - engines) / 1e9);
        if (serverConfig.wyoming() != null) {
            String wh = serverConfig.wyoming().host() != null ? serverConfig.wyoming().host() : serverConfig.host();
            err.printf(Locale.ROOT, "chorus: Wyoming (Home Assistant) on %s:%d%n", wh, server.wyomingPort());
        }
        cluster.started(synthesizer, serverConfig, err);
        if (tracing.exporting()) {
            err.println("chorus: exporting traces as OTEL_* variables configure");
        }
        err.flush();
        server.whenReady().whenComplete((ok, failure) -> {
            if (failure == null) {
                err.printf(Locale.ROOT, "chorus: ready after %.1f s (default voice %s)%n",
                        (System.nanoTime() - t0) / 1e9, registry.defaultVoice());
            } else {
                err.println("chorus: not ready: " + failure.getMessage());
            }
            err.flush();
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("chorus-shutdown").unstarted(() -> {
            err.println("chorus: shutting down; draining in-flight requests for up to "
                    + serverConfig.shutdownTimeout().toSeconds() + " s");
            err.flush();
            cluster.stopping(serverConfig.shutdownTimeout(), err);
            server.stop();
            cluster.close();
            isolation.close();
            synthesizer.close();
            tracing.close();
            stopped.countDown();
        }));
        stopped.await();
        return ExitCodes.OK;
    }

    /** Returns the addresses the server binds, for an error message. */
    private static String addresses(ServerConfig c) {
        String plain = c.plaintext() ? c.host() + ":" + c.port() : null;
        String tls = c.tls() == null ? null
                : (c.tls().host() != null ? c.tls().host() : c.host()) + ":" + c.tls().port() + " (TLS)";
        return plain == null ? tls : tls == null ? plain : plain + " or " + tls;
    }
}

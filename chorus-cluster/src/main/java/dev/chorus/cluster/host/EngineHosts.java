package dev.chorus.cluster.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Supervises engine host processes: child processes (a {@code chorus serve --role worker} each) that run the
 * engines whose native code could crash, so that a crash costs a host, never the server.
 *
 * <p>Design: each host has a slot with a loopback port chosen once at start, so the gateway that routes to the
 * hosts keeps one fixed address per host and reconnects to it on its own. A slot's process is watched with
 * {@link Process#onExit()}; an exit that {@link #close()} did not ask for is a crash: it is logged with its status,
 * signal and the JVM's fatal-error line, counted, told to the listeners, and the slot starts a new process after
 * a backoff that doubles with every crash in quick succession (a host that ran for {@code stableAfter} starts
 * again from the initial backoff). A host that hangs is killed on request ({@link #killHung}) and restarts the
 * same way, its exit reported with the reason. The hosts' output becomes log lines of this process, prefixed with
 * the host.
 * Slot state is guarded by each slot's lock; restarts run on one scheduler thread.
 */
public final class EngineHosts implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.chorus.enginehost");

    private final Builder b;
    private final List<Slot> slots = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("chorus-engine-hosts").unstarted(r));
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong hangs = new AtomicLong();
    private volatile Counter crashCounter;
    private volatile Counter hangCounter;
    private volatile Counter restartCounter;
    private volatile boolean closed;

    private EngineHosts(Builder b) {
        this.b = b;
    }

    /** Returns a builder; {@code command} gives the command line of a host that serves the worker API on a port. */
    public static Builder builder(IntFunction<List<String>> command) {
        return new Builder(command);
    }

    /**
     * Returns the start of a command line that runs this program's classes in a new JVM: this JVM's java, its
     * options (but debugging agents and error-file settings), fatal error reports in {@code errorReports}, no core
     * dump, and its class path. The caller appends the main class and its arguments.
     */
    public static List<String> javaCommand(Path errorReports) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")
                    && !arg.startsWith("-XX:ErrorFile") && !arg.startsWith("-XX:+CreateCoredumpOnCrash")) {
                cmd.add(arg);
            }
        }
        cmd.add("-XX:ErrorFile=" + errorReports.resolve("hs_err_pid%p.log"));
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    /** Returns the hosts' worker API addresses ({@code 127.0.0.1:PORT}), one per host. */
    public List<String> addresses() {
        return slots.stream().map(s -> "127.0.0.1:" + s.port).toList();
    }

    /** Returns how many host processes are running now. */
    public int running() {
        return (int) slots.stream().filter(Slot::alive).count();
    }

    /** Returns the number of crashes since start. */
    public long crashes() {
        return crashes.get();
    }

    /** Returns the number of hosts killed because they hung, since start. */
    public long hangs() {
        return hangs.get();
    }

    /** Returns how long the current process of the host at {@code address} has run, or null when none runs. */
    public Duration uptime(String address) {
        Slot s = slot(address);
        return s == null || !s.alive() ? null : Duration.ofNanos(System.nanoTime() - s.startedNanos);
    }

    /** Returns the worker API address of host {@code number} (from 1), or null. */
    public String address(int number) {
        return number < 1 || number > slots.size() ? null : "127.0.0.1:" + slots.get(number - 1).port;
    }

    /**
     * Kills the host at {@code address} at once (SIGKILL) because it hung: its exit is then reported to the crash
     * listeners with {@code reason}, and it restarts like a crashed host.
     *
     * @return whether a running host was killed
     */
    public boolean killHung(String address, String reason) {
        Slot s = slot(address);
        if (s == null || closed) {
            return false;
        }
        Process p;
        synchronized (s) {
            p = s.process;
            if (p == null || !p.isAlive() || s.hang != null) {
                return false;
            }
            s.hang = reason;
        }
        LOG.log(System.Logger.Level.ERROR, "engine host {0} (pid {1,number,#}) hung: {2}; killing it", s.number,
                p.pid(), reason);
        p.destroyForcibly();
        return true;
    }

    private Slot slot(String address) {
        return slots.stream().filter(s -> ("127.0.0.1:" + s.port).equals(address)).findFirst().orElse(null);
    }

    /** Returns how long until the next host that is down starts again (zero when none waits). */
    public Duration nextRestartIn() {
        long now = System.nanoTime();
        return slots.stream().filter(s -> !s.alive()).mapToLong(s -> Math.max(0, s.restartAt - now)).min()
                .stream().mapToObj(Duration::ofNanos).findFirst().orElse(Duration.ZERO);
    }

    /** Calls {@code listener} on every crash from now on, before the host is started again. */
    public void addCrashListener(Consumer<HostExit> listener) {
        b.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Registers the hosts' metrics: crashes, restarts, and one up gauge per host. */
    public void bindMetrics(MeterRegistry registry) {
        crashCounter = Counter.builder("chorus.engine.host.crashes")
                .description("engine host processes that died without being asked to").register(registry);
        crashCounter.increment(crashes.get());
        restartCounter = Counter.builder("chorus.engine.host.restarts")
                .description("engine host processes started again after a crash or a hang").register(registry);
        restartCounter.increment(restarts.get());
        hangCounter = Counter.builder("chorus.engine.host.hangs")
                .description("engine host processes killed and restarted because they hung in a request")
                .register(registry);
        hangCounter.increment(hangs.get());
        for (Slot s : slots) {
            Gauge.builder("chorus.engine.host.up", s, x -> x.alive() ? 1 : 0).tag("host", Integer.toString(s.number))
                    .description("1 while the engine host process runs").register(registry);
        }
    }

    private void start() {
        for (int i = 0; i < b.hosts; i++) {
            Slot s = new Slot(i + 1, freePort());
            slots.add(s);
            s.launch();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("engine hosts: no free loopback port", e);
        }
    }

    /** Stops the hosts: asks each to stop (SIGTERM), then kills what is left after the grace period. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        List<Process> all = slots.stream().map(s -> s.process).filter(Objects::nonNull).toList();
        all.forEach(Process::destroy);
        long deadline = System.nanoTime() + b.stopTimeout.toNanos();
        for (Process p : all) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    /** One host: its fixed port and its current process. */
    private final class Slot {
        final int number;
        final int port;
        volatile Process process;
        volatile long restartAt;
        volatile long startedNanos;
        /** Why the supervisor is killing the current process because it hung; null while it is not. */
        String hang;
        int quickCrashes;
        boolean restarted;

        Slot(int number, int port) {
            this.number = number;
            this.port = port;
        }

        boolean alive() {
            Process p = process;
            return p != null && p.isAlive();
        }

        synchronized void launch() {
            if (closed) {
                return;
            }
            List<String> cmd = b.command.apply(port);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> b.removeEnvPrefix != null && k.startsWith(b.removeEnvPrefix));
            pb.environment().putAll(b.environment);
            if (b.directory != null) {
                pb.directory(b.directory.toFile());
            }
            try {
                Process p = pb.start();
                process = p;
                hang = null;
                startedNanos = System.nanoTime();
                // A restart is worth a warning (the default log level); the first start is routine.
                LOG.log(restarted ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "engine host {0} "
                        + "{1}: pid {2,number,#}, worker API on 127.0.0.1:{3,number,#}", number,
                        restarted ? "restarted" : "started", p.pid(), port);
                restarted = true;
                Thread.ofPlatform().daemon().name("chorus-engine-host-" + number + "-log").start(() -> relay(p));
                p.onExit().thenAccept(this::exited);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "engine host " + number + " could not start: " + e.getMessage());
                scheduleRestart();
            }
        }

        private void relay(Process p) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    // The host's status lines are routine; its log lines (warnings and worse at its default
                    // level) and the JVM's crash report stay visible at this process's default level.
                    LOG.log(line.startsWith("chorus: ") ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                            "engine host {0}: {1}", number, line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        }

        private void exited(Process p) {
            if (closed) {
                return;
            }
            int status = p.exitValue();
            Duration uptime = Duration.ofNanos(System.nanoTime() - startedNanos);
            String fatal = fatalError(p.pid());
            // The JVM's fatal error handler ends the process itself (status 1 without a core dump): the signal
            // that crashed it is then the one its report names.
            String signal = status > 128 && status < 128 + 65 ? HostExit.signalName(status - 128)
                    : fatal != null && fatal.startsWith("SIG") ? fatal.substring(0, fatal.indexOf(' ')) : null;
            String hung;
            synchronized (this) {
                hung = hang;
            }
            HostExit exit = new HostExit(number, p.pid(), status, hung == null ? signal : null, hung == null ? fatal
                    : null, uptime, hung);
            (hung == null ? crashes : hangs).incrementAndGet();
            Counter c = hung == null ? crashCounter : hangCounter;
            if (c != null) {
                c.increment();
            }
            synchronized (this) {
                quickCrashes = uptime.compareTo(b.stableAfter) >= 0 ? 0 : quickCrashes + 1;
            }
            Duration delay = backoff();
            LOG.log(System.Logger.Level.ERROR, "engine host {0} (pid {1,number,#}) {5} after {2,number,#} ms: {3}; "
                    + "its requests are re-run on a fresh host; restarting in {4,number,#} ms", number, p.pid(),
                    uptime.toMillis(), exit.describe(), delay.toMillis(), hung == null ? "crashed" : "was killed");
            for (Consumer<HostExit> l : b.listeners) {
                try {
                    l.accept(exit);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "engine host crash listener failed", e);
                }
            }
            restartAt = System.nanoTime() + delay.toNanos();
            timer.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void scheduleRestart() {
            Duration delay = backoff();
            restartAt = System.nanoTime() + delay.toNanos();
            if (!closed) {
                timer.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private synchronized Duration backoff() {
            long ms = b.initialBackoff.toMillis() << Math.min(20, Math.max(0, quickCrashes - 1));
            return Duration.ofMillis(Math.min(ms, b.maxBackoff.toMillis()));
        }

        private void restart() {
            restarts.incrementAndGet();
            Counter c = restartCounter;
            if (c != null) {
                c.increment();
            }
            launch();
        }

        /** Returns the JVM's fatal-error line for {@code pid} ({@code SIGSEGV (0xb) at pc=...}), or null. */
        private String fatalError(long pid) {
            if (b.errorReports == null) {
                return null;
            }
            Path report = b.errorReports.resolve("hs_err_pid" + pid + ".log");
            if (!Files.isRegularFile(report)) {
                return null;
            }
            try (Stream<String> lines = Files.lines(report, StandardCharsets.ISO_8859_1)) {
                return lines.limit(20).map(String::strip).filter(l -> l.startsWith("#  SIG") || l.startsWith("# SIG")
                        || l.startsWith("#  EXCEPTION")).map(l -> l.replaceFirst("^#\\s+", "")).findFirst()
                        .map(l -> l + " (report " + report + ")").orElse(null);
            } catch (IOException | UncheckedIOException e) {
                return null;
            }
        }
    }

    /** Configures {@link EngineHosts}. */
    public static final class Builder {
        private final IntFunction<List<String>> command;
        private int hosts = 1;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String removeEnvPrefix;
        private Path directory;
        private Path errorReports;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration stableAfter = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(10);
        private final List<Consumer<HostExit>> listeners = new CopyOnWriteArrayList<>();

        private Builder(IntFunction<List<String>> command) {
            this.command = Objects.requireNonNull(command, "command");
        }

        /** Sets how many host processes run (default 1). */
        public Builder hosts(int n) {
            if (n < 1 || n > 16) {
                throw new IllegalArgumentException("engines.isolation-hosts: " + n + " (expected: 1..16)");
            }
            this.hosts = n;
            return this;
        }

        /** Removes the parent's environment variables starting with {@code prefix} from the hosts' environment. */
        public Builder withoutEnvironment(String prefix) {
            this.removeEnvPrefix = prefix;
            return this;
        }

        /** Sets a variable of the hosts' environment. */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Sets the hosts' working directory. */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** Sets where the hosts' JVMs write fatal error reports ({@code hs_err_pidPID.log}), read after a crash. */
        public Builder errorReports(Path dir) {
            this.errorReports = dir;
            return this;
        }

        /** Sets the first restart delay and the longest one (defaults 500 ms and 30 s). */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff: " + initial + ".." + max
                        + " (expected: 0 <= initial <= max)");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Calls {@code listener} on every crash, before the host is started again. */
        public Builder onCrash(Consumer<HostExit> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Starts the hosts (they come up in the background) and returns their supervisor. */
        public EngineHosts start() {
            EngineHosts h = new EngineHosts(this);
            h.start();
            return h;
        }
    }
}

package dev.chorus.app;

import dev.chorus.cluster.ClusterTls;
import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.ChorusServer;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.TlsConfig;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code chorus serve --role} changes: {@code all} (the default) is the single process; a {@code worker}
 * also serves the worker API on {@code cluster.worker-port}; a {@code gateway} opens no engine: its voice catalog
 * comes from the workers' reports and its synthesis runs on them.
 */
final class ClusterMode implements AutoCloseable {

    /** The process's part in a cluster. */
    enum Role { ALL, GATEWAY, WORKER }

    private final Role role;
    private final SourcedSettings s;
    private Gateway gateway;
    private WorkerServer worker;
    /** The SPIFFE IDs a worker serves (cluster.worker.allowed-spiffe-ids), or null for every trusted caller. */
    private final dev.chorus.cluster.worker.AllowedCallers callers;
    private ChorusServer server;

    private ClusterMode(Role role, SourcedSettings s) {
        this.role = role;
        this.s = s;
        String key = "cluster.worker.allowed-spiffe-ids";
        this.callers = role == Role.WORKER && s.has(key) && !s.list(key).isEmpty()
                ? s.guard(key, () -> dev.chorus.cluster.worker.AllowedCallers.of(s.list(key))) : null;
        if (callers != null && !s.flag("cluster.tls")) {
            throw new InvalidInputException(key, key + " needs cluster.tls: true (callers are known by their "
                    + "client certificates)");
        }
    }

    /** Reads {@code cluster.role} and checks the settings it needs. */
    static ClusterMode of(ServeSettings settings) {
        SourcedSettings s = settings.sourced();
        Role role = switch (s.string("cluster.role").strip().toLowerCase(Locale.ROOT)) {
            case "all" -> Role.ALL;
            case "gateway" -> Role.GATEWAY;
            case "worker" -> Role.WORKER;
            default -> throw new InvalidInputException("cluster.role", s.label("cluster.role") + ": '"
                    + s.string("cluster.role") + "' (expected: all, gateway or worker)");
        };
        if (role == Role.GATEWAY && !s.has("cluster.workers")) {
            throw new InvalidInputException("cluster.workers", "cluster.role gateway needs cluster.workers "
                    + "(--workers HOST:PORT,HOST:PORT or CHORUS_WORKER_ENDPOINTS)");
        }
        if (role == Role.WORKER) {
            int port = s.integer("cluster.worker-port");
            if (port < 0 || port > 65_535) {
                throw new InvalidInputException("cluster.worker-port", s.label("cluster.worker-port") + ": "
                        + port + " (expected: 0..65535)");
            }
        }
        return new ClusterMode(role, s);
    }

    Role role() {
        return role;
    }

    /** Returns the server settings for this role: a gateway has nothing to warm up. */
    ServerConfig.Builder adjust(ServerConfig.Builder b) {
        return role == Role.GATEWAY ? b.warmUp(false) : b;
    }

    /**
     * Returns the engine registry: the settings' for {@code all} and {@code worker}; for a gateway, one over the
     * voices the workers report, once a worker has reported.
     */
    EngineRegistry registry(ServeSettings settings, ServerConfig config, PrintWriter err)
            throws InterruptedException {
        if (role != Role.GATEWAY) {
            return settings.registry().build();
        }
        Gateway.Builder b = Gateway.builder(s.list("cluster.workers"));
        s.guard("cluster.policy", () -> b.policy(s.string("cluster.policy")));
        s.guard("cluster.report-interval", () -> b.reportInterval(s.duration("cluster.report-interval")));
        s.guard("cluster.eject-after", () -> b.ejectAfter(s.duration("cluster.eject-after")));
        s.guard("cluster.max-attempts", () -> b.maxAttempts(s.integer("cluster.max-attempts")));
        s.guard("cluster.outlier.failures", () -> b.outlier(new dev.chorus.cluster.gateway.OutlierSettings(
                s.integer("cluster.outlier.failures"), s.duration("cluster.outlier.window"),
                s.duration("cluster.outlier.ejection"), s.duration("cluster.outlier.max-ejection"),
                s.duration("cluster.slow-start"))));
        ClusterTls tls = tls(config);
        if (tls != null) {
            b.tls(tls);
        }
        s.guard("cluster.spread.min-chars", () -> b.spread(new dev.chorus.cluster.gateway.SpreadSettings(
                s.integer("cluster.spread.min-chars"), s.integer("cluster.spread.run-pieces"),
                s.integer("cluster.spread.in-flight"))));
        gateway = s.guard("cluster.workers", b::build);
        Duration wait = s.duration("cluster.startup-wait");
        err.println("chorus: gateway waiting up to " + wait.toSeconds() + " s for a worker of "
                + s.list("cluster.workers"));
        err.flush();
        if (!gateway.awaitWorkers(wait)) {
            gateway.close();
            throw new EngineUnavailableException("no worker of cluster.workers " + s.list("cluster.workers")
                    + " reported within cluster.startup-wait (" + wait.toSeconds() + " s): are they running, "
                    + "and is cluster.worker-port right?");
        }
        return settings.registry().providers(gateway.engineProviders()).build();
    }

    /** Creates the server: a gateway's runs its pipeline on the workers and adds {@code /admin/cluster}. */
    ChorusServer create(Synthesizer synthesizer, ServerConfig config) {
        if (role != Role.GATEWAY) {
            server = ChorusServer.create(synthesizer, config);
            return server;
        }
        ChorusServer server = ChorusServer.create(synthesizer, config, gateway.synthesis(synthesizer.registry()),
                Map.of("/admin/cluster", gateway.status()));
        gateway.bindMetrics(server.meterRegistry());
        return server;
    }

    /** Starts what the role adds once the server listens: a worker's API port. */
    void started(Synthesizer synthesizer, ServerConfig config, PrintWriter err) {
        if (role == Role.WORKER) {
            ClusterTls tls = tls(config);
            String host = config.host();
            worker = WorkerServer.start(synthesizer, host, s.integer("cluster.worker-port"), tls, callers,
                    config.openTelemetry());
            if (callers != null && server != null) {
                callers.bindMetrics(server.meterRegistry());
            }
            err.printf(Locale.ROOT, "chorus: worker API listening on %s://%s:%d%n", tls == null ? "http" : "https",
                    host, worker.port());
            err.flush();
        } else if (role == Role.GATEWAY) {
            err.println("chorus: gateway over workers " + s.list("cluster.workers") + " (policy "
                    + s.string("cluster.policy") + ")");
            err.flush();
        }
    }

    /** On SIGTERM, before the server stops: a worker drains (advertises it, finishes its streams). */
    void stopping(Duration timeout, PrintWriter err) {
        if (worker != null) {
            int left = worker.drain(timeout);
            err.println("chorus: worker drained" + (left == 0 ? "" : "; " + left + " stream(s) cut at the timeout"));
            err.flush();
            worker = null;
        }
    }

    private ClusterTls tls(ServerConfig config) {
        if (!s.flag("cluster.tls")) {
            return null;
        }
        TlsConfig t = config.tls();
        List<java.nio.file.Path> trust = t == null ? List.of() : t.trustBundles();
        if (t == null || t.certificate() == null || t.privateKey() == null || trust.isEmpty()) {
            throw new InvalidInputException("cluster.tls", "cluster.tls needs tls.cert, tls.key and tls.trust");
        }
        return new ClusterTls(t.certificate(), t.privateKey(), trust.getFirst());
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }
}

package dev.chorus.cluster.worker;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.chorus.cluster.ClusterTls;
import dev.chorus.runtime.Synthesizer;
import io.netty.handler.ssl.ClientAuth;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A worker's own port: the worker API ({@code chorus.cluster.v1.Worker}) over the process's synthesizer, in plain
 * HTTP/2 or, with {@link ClusterTls}, TLS that requires a client certificate chaining to the trust bundle (only
 * gateways holding such a certificate may call it).
 *
 * <p>{@link #drain} is the SIGTERM path: the worker advertises draining in its next report (within the report
 * interval), refuses new calls with UNAVAILABLE (the gateway runs them elsewhere), lets what it has finish, then
 * closes the port.
 */
public final class WorkerServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WorkerServer.class.getName());

    private final Server server;
    private final WorkerApi api;
    private final ScheduledExecutorService timer;
    private final boolean tls;

    private WorkerServer(Synthesizer synthesizer, String host, int port, ClusterTls tls, AllowedCallers callers,
                         String workerId, io.opentelemetry.api.OpenTelemetry otel) {
        this.timer = Executors.newScheduledThreadPool(2,
                r -> Thread.ofPlatform().daemon().name("chorus-worker-reports").unstarted(r));
        LoadSampler sampler = new LoadSampler(synthesizer, workerId, timer);
        this.api = new WorkerApi(synthesizer, sampler, timer, otel.getTracer("dev.chorus.cluster.worker"));
        this.tls = tls != null;
        ServerBuilder sb = Server.builder()
                .service(callers == null ? GrpcService.builder().addService(api).build()
                        : GrpcService.builder().addService(io.grpc.ServerInterceptors.intercept(api,
                                callers.interceptor())).build())
                // Streams last as long as their synthesis; the synthesizer's own deadline bounds them.
                .requestTimeout(Duration.ZERO)
                .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(1));
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (tls == null) {
            sb.http(address);
        } else {
            sb.https(address).tls(tls.cert().toFile(), tls.key().toFile())
                    .tlsCustomizer(b -> b.trustManager(tls.trust().toFile()).clientAuth(ClientAuth.REQUIRE));
        }
        this.server = sb.build();
    }

    /**
     * Starts the worker API on {@code host:port} (0: any free port).
     *
     * @param tls the certificate, key and client trust, or null for plain HTTP/2
     */
    public static WorkerServer start(Synthesizer synthesizer, String host, int port, ClusterTls tls) {
        return start(synthesizer, host, port, tls, null);
    }

    /**
     * Starts the worker API as {@link #start(Synthesizer, String, int, ClusterTls)} does, serving only callers
     * whose client certificate carries a SPIFFE ID that {@code callers} allows (others get PERMISSION_DENIED).
     *
     * @param callers the SPIFFE IDs served, or null for every caller the trust bundle lets through; needs TLS
     */
    public static WorkerServer start(Synthesizer synthesizer, String host, int port, ClusterTls tls,
                                     AllowedCallers callers) {
        return start(synthesizer, host, port, tls, callers, null);
    }

    /**
     * Starts the worker API as {@link #start(Synthesizer, String, int, ClusterTls, AllowedCallers)} does, making
     * a span for each synthesis with {@code otel}: a child of the gateway's span named by the request's
     * {@code traceparent}, so a trace crosses the gateway → worker hop.
     *
     * @param otel the tracing to make spans with, or null for none
     */
    public static WorkerServer start(Synthesizer synthesizer, String host, int port, ClusterTls tls,
                                     AllowedCallers callers, io.opentelemetry.api.OpenTelemetry otel) {
        Objects.requireNonNull(synthesizer, "synthesizer");
        if (callers != null && tls == null) {
            throw new IllegalArgumentException("cluster.worker.allowed-spiffe-ids needs cluster.tls (callers are "
                    + "known by their client certificates)");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        WorkerServer w = new WorkerServer(synthesizer, host, port, tls, callers, host + ":" + port,
                otel != null ? otel : io.opentelemetry.api.OpenTelemetry.noop());
        w.server.start().join();
        LOG.log(System.Logger.Level.INFO, "worker API listening on {0}:{1,number,#} ({2})", host, w.port(),
                w.tls ? "TLS, client certificate required" + (callers == null ? "" : ", SPIFFE IDs checked")
                        : "plain HTTP/2");
        return w;
    }

    /** Returns the port the worker API listens on. */
    public int port() {
        return server.activeLocalPort(tls ? SessionProtocol.HTTPS : SessionProtocol.HTTP);
    }

    /**
     * Takes no new work, waits up to {@code timeout} for the requests in progress to finish, then closes the
     * port. Returns the number of requests still running when it gave up (0 when all finished).
     */
    public int drain(Duration timeout) {
        api.drain();
        long deadline = System.nanoTime() + timeout.toNanos();
        // Two report intervals at least, so every gateway sees the flag before the port closes.
        long minimum = System.nanoTime() + Duration.ofMillis(400).toNanos();
        while ((api.active() > 0 && System.nanoTime() < deadline) || System.nanoTime() < minimum) {
            try {
                Thread.sleep(WorkerApi.drainPoll());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = api.active();
        close();
        return left;
    }

    @Override
    public void close() {
        server.stop().join();
        timer.shutdownNow();
    }
}

package dev.chorus.cluster.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.chorus.proto.cluster.v1.LoadReport;
import dev.chorus.proto.cluster.v1.ReportsRequest;
import dev.chorus.proto.cluster.v1.WorkerGrpc;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway's connection to one worker: its gRPC stub, its latest load report and its state.
 *
 * <p>Design: the report stream is the health check. Each report moves the worker to UP (or DRAINING when it says
 * so); a broken stream moves it to DOWN and reconnects after a short pause; a stream that stays silent past the
 * ejection time (a hung process, a partitioned host) moves it to EJECTED, and every synthesis running there is
 * cancelled, so its request resumes on another worker instead of waiting. State changes and report arrivals
 * happen on Armeria's event loops and the watchdog thread; readers see a consistent report through a volatile.
 */
final class WorkerLink {

    private static final System.Logger LOG = System.getLogger(WorkerLink.class.getName());
    private static final Duration RECONNECT = Duration.ofMillis(250);

    private final Endpoint endpoint;
    private final WorkerGrpc.WorkerStub stub;
    private final ScheduledExecutorService timer;
    private final Duration reportInterval;
    private final Runnable onChange;
    private final Set<WorkerCall> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong routed = new AtomicLong();
    /** {@link #routed} when the latest report arrived: what was sent since, that report may not count yet. */
    private final AtomicLong routedAtReport = new AtomicLong();
    private final AtomicLong ejections = new AtomicLong();
    private final WorkerHealth health;
    /** Set until the first report after the worker joined, lost its report stream or was ejected for silence. */
    private volatile boolean rejoining = true;
    private volatile LoadReport report;
    private volatile long lastReportNanos;
    private volatile WorkerState state = WorkerState.DOWN;
    private volatile ClientCallStreamObserver<ReportsRequest> reportCall;
    private volatile boolean closed;

    WorkerLink(Endpoint endpoint, String scheme, ClientFactory factory, ScheduledExecutorService timer,
               Duration reportInterval, Runnable onChange) {
        this(endpoint, scheme, factory, timer, reportInterval, onChange, OutlierSettings.DEFAULTS);
    }

    WorkerLink(Endpoint endpoint, String scheme, ClientFactory factory, ScheduledExecutorService timer,
               Duration reportInterval, Runnable onChange, OutlierSettings outlier) {
        this.health = new WorkerHealth(outlier, System::nanoTime);
        this.endpoint = endpoint;
        this.timer = timer;
        this.reportInterval = reportInterval;
        this.onChange = onChange;
        this.stub = GrpcClients.builder(scheme, endpoint)
                .factory(factory)
                .responseTimeout(Duration.ZERO)
                .maxResponseLength(0)
                .build(WorkerGrpc.WorkerStub.class);
        subscribe();
    }

    String address() {
        return endpoint.authority();
    }

    Endpoint endpoint() {
        return endpoint;
    }

    WorkerGrpc.WorkerStub stub() {
        return stub;
    }

    /** Returns the state: {@link WorkerState#EJECTED} while ejected for failed calls, whatever its reports say. */
    WorkerState state() {
        WorkerState s = state;
        return (s == WorkerState.UP || s == WorkerState.DRAINING) && health.ejected() ? WorkerState.EJECTED : s;
    }

    /** Returns the worker's outlier detection and slow start. */
    WorkerHealth health() {
        return health;
    }

    /** Returns why the worker is ejected now ({@code silence} or {@code failures}), or null. */
    String ejectionCause() {
        if (state == WorkerState.EJECTED) {
            return "silence";
        }
        return state() == WorkerState.EJECTED ? "failures" : null;
    }

    /** Returns the times the worker was ejected because it stopped reporting. */
    long silenceEjections() {
        return ejections.get();
    }

    LoadReport report() {
        return report;
    }

    int outstanding() {
        return outstanding.get();
    }

    long routed() {
        return routed.get();
    }

    /** Returns the requests this gateway sent to the worker since its latest report arrived. */
    int sentSinceReport() {
        return (int) Math.max(0, routed.get() - routedAtReport.get());
    }

    /** Returns the times the worker was ejected, for silence or for failed calls. */
    long ejections() {
        return ejections.get() + health.ejections();
    }

    /** Returns the age of the latest report, or null before the first. */
    Duration reportAge() {
        return report == null ? null : Duration.ofNanos(System.nanoTime() - lastReportNanos);
    }

    void started(WorkerCall run) {
        routed.incrementAndGet();
        outstanding.incrementAndGet();
        running.add(run);
    }

    void ended(WorkerCall run) {
        if (running.remove(run)) {
            outstanding.decrementAndGet();
        }
    }

    /** Called by a run whose call here completed. */
    void callSucceeded() {
        health.succeeded();
    }

    /** Called by a run whose call here failed through the worker's fault (see {@link WorkerHealth}). */
    void callFailed(Status status) {
        if (state == WorkerState.DRAINING) {
            return;
        }
        Duration ejection = health.failed();
        if (ejection != null) {
            LOG.log(System.Logger.Level.WARNING, "worker {0}: ejected for {1} ms after failed calls (last: {2}); "
                    + "{3} ejection(s) so far", address(), ejection.toMillis(), status, ejections());
            onChange.run();
        }
    }

    /** Called by a run whose call broke in transport: nothing new goes here until the next report. */
    void failed() {
        if (state == WorkerState.UP) {
            setState(WorkerState.DOWN);
        }
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        stub.reports(ReportsRequest.newBuilder().setIntervalMillis((int) reportInterval.toMillis()).build(),
                new ClientResponseObserver<ReportsRequest, LoadReport>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ReportsRequest> call) {
                        reportCall = call;
                    }

                    @Override
                    public void onNext(LoadReport r) {
                        routedAtReport.set(routed.get());
                        report = r;
                        lastReportNanos = System.nanoTime();
                        if (rejoining) {
                            rejoining = false;
                            health.admitted();
                        }
                        setState(r.getDraining() ? WorkerState.DRAINING : WorkerState.UP);
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (state == WorkerState.UP || state == WorkerState.DRAINING || report == null) {
                            LOG.log(System.Logger.Level.WARNING, "worker {0}: report stream failed: {1}", address(),
                                    io.grpc.Status.fromThrowable(t));
                        }
                        if (state != WorkerState.EJECTED) {
                            setState(WorkerState.DOWN);
                        }
                        rejoining = true;
                        retry();
                    }

                    @Override
                    public void onCompleted() {
                        setState(WorkerState.DOWN);
                        rejoining = true;
                        retry();
                    }
                });
    }

    private void retry() {
        if (!closed) {
            timer.schedule(this::subscribe, RECONNECT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Ejects the worker when its reports stopped for longer than {@code ejectAfter}; run by the watchdog. */
    void check(Duration ejectAfter) {
        WorkerState s = state;
        if ((s == WorkerState.UP || s == WorkerState.DRAINING)
                && System.nanoTime() - lastReportNanos > ejectAfter.toNanos()) {
            LOG.log(System.Logger.Level.WARNING, "worker {0} sent no report for {1} ms: ejected; its {2} "
                    + "stream(s) move to other workers", address(), (System.nanoTime() - lastReportNanos) / 1_000_000,
                    running.size());
            ejections.incrementAndGet();
            rejoining = true;
            setState(WorkerState.EJECTED);
            for (WorkerCall run : running) {
                run.moveOff(this);
            }
            ClientCallStreamObserver<ReportsRequest> call = reportCall;
            if (call != null) {
                // The reconnect that follows brings it back to UP once it answers again.
                call.cancel("worker ejected: no report in time", null);
            }
        }
    }

    private void setState(WorkerState s) {
        WorkerState old = state;
        state = s;
        if (old != s) {
            LOG.log(System.Logger.Level.INFO, "worker {0}: {1} -> {2}", address(), old.id(), s.id());
            onChange.run();
        }
    }

    void close() {
        closed = true;
        ClientCallStreamObserver<ReportsRequest> call = reportCall;
        if (call != null) {
            call.cancel("gateway closing", null);
        }
    }
}

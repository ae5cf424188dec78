package dev.chorus.cluster.worker;

import io.grpc.stub.ServerCallStreamObserver;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker call's backpressure as the runtime's listener sees it: ready while the gateway takes the stream's
 * messages ({@code isReady}), and the resumes the synthesis asked for run from gRPC's on-ready handler. So a
 * gateway that stops reading (because its client stopped) stops the worker's synthesis from starting further
 * sentences, as a slow client of a single process does.
 *
 * <p>The stream says "not ready" as soon as one message waits to be sent, which on a fast engine happens all the
 * time for an instant; so the call counts as ready until {@link #SLACK} messages were sent since the stream last
 * said it was ready, and a synthesis pauses only when the gateway really stopped taking them.
 */
final class CallReadiness {

    private final ServerCallStreamObserver<?> call;
    /** Messages that may be sent past a "not ready" before the synthesis pauses. */
    static final int SLACK = 16;

    private final List<Runnable> waiting = new ArrayList<>();
    private int sentSinceReady;

    /** Installs the call's on-ready handler; create it in the service method, before it returns. */
    CallReadiness(ServerCallStreamObserver<?> call) {
        this.call = call;
        call.setOnReadyHandler(this::onReady);
    }

    /** Tells whether the gateway can take more now (a cancelled call is "ready", so its end is noticed). */
    synchronized boolean ready() {
        return call.isCancelled() || call.isReady() || sentSinceReady < SLACK;
    }

    /** Counts a message sent. */
    synchronized void sent() {
        sentSinceReady++;
    }

    /** Runs {@code resume} once the gateway can take more (at once when it already can). */
    void whenReady(Runnable resume) {
        synchronized (this) {
            if (!ready()) {
                waiting.add(resume);
                return;
            }
        }
        resume.run();
    }

    private void onReady() {
        List<Runnable> run;
        synchronized (this) {
            if (call.isReady()) {
                sentSinceReady = 0;
            }
            if (waiting.isEmpty() || !ready()) {
                return;
            }
            run = List.copyOf(waiting);
            waiting.clear();
        }
        run.forEach(Runnable::run);
    }

    /** Runs what waits, whatever the stream's state: the call ended, nothing will be sent any more. */
    void release() {
        List<Runnable> run;
        synchronized (this) {
            run = List.copyOf(waiting);
            waiting.clear();
        }
        run.forEach(Runnable::run);
    }
}

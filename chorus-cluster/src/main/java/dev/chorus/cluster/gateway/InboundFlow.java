package dev.chorus.cluster.gateway;

import dev.chorus.runtime.SynthesisListener;
import io.grpc.stub.ClientCallStreamObserver;

/**
 * The gateway's end of a worker call's backpressure: it asks the worker's stream for {@link #WINDOW} messages,
 * then for one more per message handled while the client takes audio ({@link SynthesisListener#ready()}); while
 * the client does not, it asks for nothing, so HTTP/2 flow control stops the worker's sends, the worker's
 * synthesis starts no further sentence (see the worker's {@code CallReadiness}), and the gateway holds at most
 * {@code WINDOW} messages for a slow client.
 */
final class InboundFlow {

    /** Messages asked for ahead of the listener. */
    static final int WINDOW = 8;

    private final SynthesisListener listener;
    private final ClientCallStreamObserver<?> call;
    private int owed;
    private boolean waiting;

    InboundFlow(SynthesisListener listener, ClientCallStreamObserver<?> call) {
        this.listener = listener;
        this.call = call;
    }

    /** Sets up the call's manual flow control; run from {@code beforeStart}. */
    static InboundFlow start(SynthesisListener listener, ClientCallStreamObserver<?> call) {
        call.disableAutoRequestWithInitial(WINDOW);
        return new InboundFlow(listener, call);
    }

    /** Called after each message handled: asks for the next one now, or once the client can take more. */
    void handled() {
        boolean ready;
        try {
            ready = listener.ready();
        } catch (RuntimeException e) {
            ready = true; // the listener's failure ends the run elsewhere; keep the stream moving to its end
        }
        if (ready) {
            call.request(1);
            return;
        }
        boolean register;
        synchronized (this) {
            owed++;
            register = !waiting;
            waiting = true;
        }
        if (register) {
            listener.whenReady(this::resume);
        }
    }

    private void resume() {
        int n;
        synchronized (this) {
            n = owed;
            owed = 0;
            waiting = false;
        }
        if (n > 0) {
            call.request(n);
        }
    }
}

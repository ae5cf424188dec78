package dev.chorus.server.internal;

/**
 * Thrown by a response writer when the client has left more than the unread limit of audio waiting; the
 * synthesis stops and the response ends with an error, so a stalled reader holds bounded memory.
 */
public final class SlowReaderException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The client read nothing for {@code stalled} while audio waited for it. */
    public SlowReaderException(java.time.Duration stalled) {
        super("the client read nothing for " + stalled.toMillis() + " ms while audio waited (limits.stall-timeout)");
    }

    public SlowReaderException(long limit) {
        super("the client is not reading the response: more than " + limit
                + " bytes of audio wait unread (limits.max-unread-bytes)");
    }
}

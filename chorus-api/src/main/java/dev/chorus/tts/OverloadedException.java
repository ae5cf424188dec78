package dev.chorus.tts;

import java.time.Duration;

/** The engine's queue is full; the caller should retry after {@link #retryAfter()}. */
public final class OverloadedException extends ChorusException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public OverloadedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** Returns how long the caller should wait before retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public String code() {
        return "overloaded";
    }
}

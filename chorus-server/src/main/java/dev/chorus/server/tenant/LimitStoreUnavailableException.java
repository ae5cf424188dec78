package dev.chorus.server.tenant;

/** The shared limit store did not answer, or its circuit breaker is open; thrown only under fail-closed. */
final class LimitStoreUnavailableException extends RuntimeException {

    private final long nanosToRetry;

    LimitStoreUnavailableException(String message, long nanosToRetry, Throwable cause) {
        super(message, cause, false, false);
        this.nanosToRetry = nanosToRetry;
    }

    /** Returns the time until the breaker next tries the store again. */
    long nanosToRetry() {
        return nanosToRetry;
    }
}

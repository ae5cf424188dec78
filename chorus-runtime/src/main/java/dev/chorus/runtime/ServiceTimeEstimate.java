package dev.chorus.runtime;

/**
 * A moving estimate of how long one engine worker takes per character of text, from the chunks it finished.
 *
 * <p>An exponentially weighted average of each chunk's nanoseconds per character, so a chunk counts for its length
 * and the estimate follows the engine's current speed (a machine that gets busier makes the engine slower) within
 * a few dozen chunks. Until the first chunk finishes there is no estimate and {@link #nanosPerChar()} is 0.
 * Thread-safe: updates are rare next to synthesis itself, so a lock is cheap.
 */
final class ServiceTimeEstimate {

    /** Weight of the newest chunk: about the last 10 chunks dominate. */
    private static final double ALPHA = 0.1;

    private double nanosPerChar;

    /** Adds one finished chunk of {@code chars} characters that took {@code nanos} on a worker. */
    synchronized void record(int chars, long nanos) {
        if (chars <= 0 || nanos <= 0) {
            return;
        }
        double sample = (double) nanos / chars;
        nanosPerChar = nanosPerChar == 0 ? sample : nanosPerChar + ALPHA * (sample - nanosPerChar);
    }

    /** Returns the estimated worker time per character, in nanoseconds, or 0 before the first chunk. */
    synchronized double nanosPerChar() {
        return nanosPerChar;
    }
}

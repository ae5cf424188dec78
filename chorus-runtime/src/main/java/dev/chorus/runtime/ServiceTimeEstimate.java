package dev.chorus.runtime;

/**
 * A moving estimate of how long one engine worker takes per character of text, from the chunks it finished.
 *
 * <p>The ratio of exponentially decayed sums of chunk time and chunk characters, so each chunk weighs as much as
 * its text is long: a short chunk whose fixed cost dominates (a warm-up phrase, a one-word sentence) barely moves
 * the estimate, and the estimate follows the engine's current speed (a machine that gets busier makes the engine
 * slower) within a few dozen chunks. Until the first chunk finishes there is no estimate and
 * {@link #nanosPerChar()} is 0. Thread-safe: updates are rare next to synthesis itself, so a lock is cheap.
 */
final class ServiceTimeEstimate {

    /** Share of the past kept at each new chunk: about the last 20 chunks dominate. */
    private static final double KEEP = 0.95;

    private double nanos;
    private double chars;

    /** Adds one finished chunk of {@code chars} characters that took {@code nanos} on a worker. */
    synchronized void record(int chunkChars, long chunkNanos) {
        if (chunkChars <= 0 || chunkNanos <= 0) {
            return;
        }
        nanos = nanos * KEEP + chunkNanos;
        chars = chars * KEEP + chunkChars;
    }

    /** Returns the estimated worker time per character, in nanoseconds, or 0 before the first chunk. */
    synchronized double nanosPerChar() {
        return chars == 0 ? 0 : nanos / chars;
    }
}

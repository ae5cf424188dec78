package dev.chorus.audio;

/** The range of sample rates this module converts and encodes, and the check that enforces it. */
public final class SampleRates {

    /** The lowest supported sample rate, in Hz. */
    public static final int MIN = 4000;

    /** The highest supported sample rate, in Hz. */
    public static final int MAX = 192_000;

    private SampleRates() {
    }

    /** Returns whether {@code sampleRate} lies within {@link #MIN} to {@link #MAX} Hz. */
    public static boolean isSupported(int sampleRate) {
        return sampleRate >= MIN && sampleRate <= MAX;
    }

    /**
     * Returns {@code sampleRate} if it is supported.
     *
     * @param name the argument name used in the error message, for example {@code "inputRate"}
     * @throws IllegalArgumentException naming the argument, its value and the supported range otherwise
     */
    public static int check(String name, int sampleRate) {
        if (!isSupported(sampleRate)) {
            throw new IllegalArgumentException(
                    name + ": " + sampleRate + " (expected: " + MIN + " to " + MAX + ")");
        }
        return sampleRate;
    }
}

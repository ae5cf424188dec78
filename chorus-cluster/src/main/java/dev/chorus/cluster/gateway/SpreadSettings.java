package dev.chorus.cluster.gateway;

/**
 * When a gateway spreads one long request over several workers, and how.
 *
 * @param minChars  the shortest input (in characters) that is spread; 0 turns spreading off
 * @param runPieces pieces of the plan (sentences, pauses, marks) per run sent to one worker
 * @param inFlight  runs of one request unfinished at once (the first included)
 */
public record SpreadSettings(int minChars, int runPieces, int inFlight) {

    /** Off: each request runs on one worker at a time. */
    public static final SpreadSettings OFF = new SpreadSettings(0, 4, 3);

    public SpreadSettings {
        if (minChars < 0) {
            throw new IllegalArgumentException("cluster.spread.min-chars: " + minChars + " (expected: >= 0, 0: off)");
        }
        if (runPieces < 1) {
            throw new IllegalArgumentException("cluster.spread.run-pieces: " + runPieces + " (expected: >= 1)");
        }
        if (inFlight < 1 || inFlight > 64) {
            throw new IllegalArgumentException("cluster.spread.in-flight: " + inFlight + " (expected: 1..64)");
        }
    }

    /** Returns whether a request of {@code chars} input characters is spread. */
    boolean spreads(int chars) {
        return minChars > 0 && chars >= minChars;
    }
}

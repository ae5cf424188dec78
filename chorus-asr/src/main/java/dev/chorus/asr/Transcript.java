package dev.chorus.asr;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a recognizer heard in one piece of audio: its words in order, and how long the recognition took.
 *
 * @param words        the words, in the order heard (empty for silence or noise)
 * @param audioMillis  how much audio was recognized, in milliseconds
 * @param elapsedNanos how long the recognition took
 */
public record Transcript(List<RecognizedWord> words, long audioMillis, long elapsedNanos) {

    /** A transcript of nothing. */
    public static final Transcript EMPTY = new Transcript(List.of(), 0, 0);

    public Transcript {
        words = List.copyOf(words);
        if (audioMillis < 0 || elapsedNanos < 0) {
            throw new IllegalArgumentException("audioMillis, elapsedNanos: " + audioMillis + ", " + elapsedNanos
                    + " (expected: >= 0)");
        }
    }

    /** Returns the words joined by single spaces. */
    public String text() {
        return words.stream().map(RecognizedWord::word).collect(Collectors.joining(" "));
    }

    /** Returns the recognition's real-time factor: seconds spent per second of audio (0 for no audio). */
    public double realTimeFactor() {
        return audioMillis == 0 ? 0 : elapsedNanos / 1e6 / audioMillis;
    }
}

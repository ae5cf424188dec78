package dev.chorus.onnx.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Word spans of a chunk's text and word start offsets from per-token durations, for word timing events. A word is
 * a run of non-space characters holding at least one letter or digit; the phonemizer's words are matched to them in
 * order (a number it reads as several words shifts the rest, so timings are close, not exact, in such text).
 */
public final class Words {

    /** One word: {@code [start, end)} in UTF-16 indices. */
    public record Span(int start, int end) {
        /** Returns the length in UTF-16 units. */
        public int length() {
            return end - start;
        }
    }

    private Words() {
    }

    /** Returns the words of {@code text} in order. */
    public static List<Span> of(String text) {
        List<Span> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int s = i;
            boolean word = false;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                word |= Character.isLetterOrDigit(text.charAt(i));
                i++;
            }
            if (word) {
                out.add(new Span(s, i));
            }
        }
        return out;
    }

    /**
     * Returns the sample offset of each word start: token {@code wordStarts[w]} begins after the durations of the
     * tokens before it, scaled so that all durations together last {@code samples} samples.
     *
     * @param base offset added to every result (the samples delivered before this run)
     */
    public static long[] starts(float[] durations, int[] wordStarts, int samples, long base) {
        double[] cumulative = new double[durations.length + 1];
        for (int i = 0; i < durations.length; i++) {
            cumulative[i + 1] = cumulative[i] + Math.max(0, durations[i]);
        }
        double total = cumulative[durations.length];
        double perUnit = total > 0 ? samples / total : 0;
        long[] out = new long[wordStarts.length];
        for (int w = 0; w < out.length; w++) {
            int id = Math.min(Math.max(0, wordStarts[w]), durations.length);
            out[w] = base + Math.min(samples, Math.round(cumulative[id] * perUnit));
        }
        return out;
    }
}

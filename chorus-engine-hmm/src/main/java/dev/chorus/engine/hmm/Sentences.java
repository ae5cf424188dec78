package dev.chorus.engine.hmm;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a chunk into the sentences MaryTTS is given one at a time. Speaking sentence by sentence bounds how long
 * a stop takes and lets audio start after the first sentence; MaryTTS ends each one with its own pause, as it
 * would between sentences anyway.
 */
final class Sentences {

    /** Longest piece handed to MaryTTS; a longer run-on sentence is cut at a comma or space before this. */
    static final int MAX_CHARS = 400;

    // The JDK's sentence rules break after these; MaryTTS would then end a sentence at "Dr." and pause.
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "e.g.", "i.e.", "approx.");

    private Sentences() {
    }

    /** A sentence's position in the chunk: {@code start} inclusive, {@code end} exclusive, no outer whitespace. */
    record Span(int start, int end) {

        /** Returns this span's text within {@code text}. */
        String of(String text) {
            return text.substring(start, end);
        }
    }

    /** Returns the sentences of {@code text} in order, each with at least one non-whitespace character. */
    static List<Span> split(String text) {
        BreakIterator breaks = BreakIterator.getSentenceInstance(Locale.US);
        breaks.setText(text);
        List<Span> spans = new ArrayList<>();
        int start = 0;
        for (int end = breaks.next(); end != BreakIterator.DONE; end = breaks.next()) {
            if (end < text.length() && endsWithAbbreviation(text, start, end)) {
                continue;
            }
            addTrimmed(text, start, end, spans);
            start = end;
        }
        return spans;
    }

    private static boolean endsWithAbbreviation(String text, int start, int end) {
        int stop = end;
        while (stop > start && Character.isWhitespace(text.charAt(stop - 1))) {
            stop--;
        }
        int word = stop;
        while (word > start && !Character.isWhitespace(text.charAt(word - 1))) {
            word--;
        }
        return ABBREVIATIONS.contains(text.substring(word, stop).toLowerCase(Locale.ROOT));
    }

    private static void addTrimmed(String text, int start, int end, List<Span> spans) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        while (end - start > MAX_CHARS) {
            int cut = cutPoint(text, start, start + MAX_CHARS);
            addTrimmed(text, start, cut, spans);
            start = cut;
            while (start < end && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
        }
        if (start < end) {
            spans.add(new Span(start, end));
        }
    }

    /** Returns where to cut {@code [start, limit)}: after its last comma-like mark, else its last space. */
    private static int cutPoint(String text, int start, int limit) {
        int space = -1;
        for (int i = limit - 1; i > start + MAX_CHARS / 2; i--) {
            char c = text.charAt(i);
            if (c == ',' || c == ';' || c == ':') {
                return i + 1;
            }
            if (space < 0 && Character.isWhitespace(c)) {
                space = i;
            }
        }
        if (space > 0) {
            return space;
        }
        return Character.isLowSurrogate(text.charAt(limit)) ? limit - 1 : limit;
    }
}

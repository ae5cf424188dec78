package dev.chorus.engine.piper.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a chunk's text into sentences and words, so that each sentence is phonemized and synthesized in turn
 * (audio starts after the first sentence, and a stop takes effect between sentences) and word events can point
 * into the text.
 */
final class Sentences {

    /** A range of the text: {@code [start, end)}. */
    record Span(int start, int end) {
        int length() {
            return end - start;
        }
    }

    private Sentences() {
    }

    /**
     * Returns the sentences of {@code text}: each ends after {@code .}, {@code ?} or {@code !} (with any closing
     * quotes or brackets) followed by white space, or at the end of the text, as eSpeak NG ends sentences. Leading
     * white space is left out; sentences of white space only are dropped.
     */
    static List<Span> split(String text) {
        List<Span> out = new ArrayList<>();
        int start = skipSpace(text, 0);
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '.' || c == '?' || c == '!') {
                int end = i + 1;
                while (end < text.length() && (isTerminator(text.charAt(end)) || isClosing(text.charAt(end)))) {
                    end++;
                }
                if (end == text.length() || Character.isWhitespace(text.charAt(end))) {
                    out.add(new Span(start, end));
                    start = skipSpace(text, end);
                    i = start;
                    continue;
                }
                i = end;
                continue;
            }
            i++;
        }
        if (start < text.length()) {
            int end = text.length();
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (end > start) {
                out.add(new Span(start, end));
            }
        }
        return out;
    }

    /**
     * Returns the words of {@code text} within {@code span}: runs of characters between white space, dashes and
     * slashes, trimmed of punctuation, that hold a letter or digit.
     */
    static List<Span> words(String text, Span span) {
        List<Span> out = new ArrayList<>();
        int i = span.start();
        while (i < span.end()) {
            while (i < span.end() && isWordBreak(text.charAt(i))) {
                i++;
            }
            int s = i;
            while (i < span.end() && !isWordBreak(text.charAt(i))) {
                i++;
            }
            int a = s;
            int b = i;
            while (a < b && !Character.isLetterOrDigit(text.codePointAt(a))) {
                a += Character.charCount(text.codePointAt(a));
            }
            while (b > a && !Character.isLetterOrDigit(text.codePointBefore(b))) {
                b -= Character.charCount(text.codePointBefore(b));
            }
            if (b > a) {
                out.add(new Span(a, b));
            }
        }
        return out;
    }

    private static boolean isWordBreak(char c) {
        return Character.isWhitespace(c) || c == '-' || c == '\u2013' || c == '\u2014' || c == '/';
    }

    private static boolean isTerminator(char c) {
        return c == '.' || c == '?' || c == '!';
    }

    private static boolean isClosing(char c) {
        int type = Character.getType(c);
        return c == '"' || c == '\'' || type == Character.END_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}

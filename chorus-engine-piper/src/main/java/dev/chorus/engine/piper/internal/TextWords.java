package dev.chorus.engine.piper.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of a chunk's text, so that word and sentence events can point into it. The i-th word eSpeak spoke is
 * taken to be the i-th word here. (Sentences are not split from the text: the runtime already chunks text into
 * sentences, and within a chunk eSpeak's own clause punctuation decides where Piper's sentences end.)
 */
final class TextWords {

    /** A range of the text: {@code [start, end)}. */
    record Span(int start, int end) {
        int length() {
            return end - start;
        }
    }

    private TextWords() {
    }

    /**
     * Returns the words of {@code text}: runs of characters between white space, dashes and slashes, trimmed of
     * punctuation, that hold a letter or digit.
     */
    static List<Span> words(String text) {
        List<Span> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && isWordBreak(text.charAt(i))) {
                i++;
            }
            int s = i;
            while (i < text.length() && !isWordBreak(text.charAt(i))) {
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

    /**
     * Returns where the sentence starting with word {@code word} starts in the text: the word's start, moved back
     * over opening quotes or brackets before it. The first sentence starts at the first character that is not
     * white space; a word index past the end gives the end of the text's last word.
     */
    static int sentenceStart(String text, List<Span> words, int word) {
        if (word == 0 || words.isEmpty()) {
            int i = 0;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            return i;
        }
        if (word >= words.size()) {
            return words.getLast().end();
        }
        int start = words.get(word).start();
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))
                && !Character.isLetterOrDigit(text.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    private static boolean isWordBreak(char c) {
        return Character.isWhitespace(c) || c == '-' || c == '\u2013' || c == '\u2014' || c == '/';
    }
}

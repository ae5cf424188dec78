package dev.chorus.text;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;
import java.util.Locale;

/**
 * Finds where to cut a sentence that is too long for one chunk, preferring in turn: a clause boundary (after
 * {@code , ; : 、} or a dash), a space, a word boundary (ICU's dictionaries find words in Chinese, Japanese
 * and Thai text), a character boundary. One instance serves one text on one thread.
 */
final class ChunkBoundaryFinder {

    /** Shortest first chunk cut at a clause: shorter ones sound clipped and save little start-up time. */
    static final int FIRST_CLAUSE_MIN_CHARS = 20;

    /** Text after the window the word iterator looks at, so that a word running past the window is seen whole. */
    private static final int CONTEXT_CHARS = 32;

    private final String text;
    private final ULocale locale;
    private BreakIterator words;
    private BreakIterator graphemes;

    ChunkBoundaryFinder(String text, Locale locale) {
        this.text = text;
        this.locale = ULocale.forLocale(locale);
    }

    /**
     * Returns the offset at which to end a chunk that starts at {@code start}, so that {@code [start, cut)} has
     * at most {@code limit} chars and {@code cut > start}.
     *
     * @param end   end of the sentence, more than {@code limit} chars after {@code start}
     * @param early whether to take the first clause boundary past {@link #FIRST_CLAUSE_MIN_CHARS} rather than
     *              the last one that fits, so that the first audio is ready sooner
     */
    int cut(int start, int end, int limit, boolean early) {
        int windowEnd = start + limit;
        int cut = early
                ? firstClauseBoundary(start, end, windowEnd)
                : lastClauseBoundary(start, end, windowEnd);
        if (cut >= 0) {
            return cut;
        }
        int target = early ? windowEnd : balancedTarget(start, end, limit);
        for (int stop : new int[] {target, windowEnd}) {
            cut = lastSpace(start, stop);
            if (cut >= 0) {
                return cut;
            }
        }
        for (int stop : new int[] {target, windowEnd}) {
            cut = lastBoundary(words(), start, stop);
            if (cut >= 0) {
                return cut;
            }
        }
        cut = lastBoundary(graphemes(), start, windowEnd);
        if (cut >= 0) {
            return cut;
        }
        // One grapheme longer than the limit: cut between code points.
        return Character.isLowSurrogate(text.charAt(windowEnd)) ? windowEnd - 1 : windowEnd;
    }

    private int firstClauseBoundary(int start, int end, int windowEnd) {
        for (int i = start + 1; i < windowEnd; i++) {
            int cut = clauseBoundaryAfter(i, end);
            if (cut >= 0 && cut - start >= FIRST_CLAUSE_MIN_CHARS && cut <= windowEnd) {
                return cut;
            }
        }
        return -1;
    }

    private int lastClauseBoundary(int start, int end, int windowEnd) {
        for (int i = windowEnd - 1; i > start; i--) {
            int cut = clauseBoundaryAfter(i, end);
            if (cut >= 0 && cut <= windowEnd) {
                return cut;
            }
        }
        return -1;
    }

    /**
     * Returns where to aim a cut inside an over-long clause: its middle when it would fit in two chunks, so that
     * it does not end in an orphaned word or two; else the limit.
     */
    private int balancedTarget(int start, int end, int limit) {
        int windowEnd = start + limit;
        int searchEnd = Math.min(end, start + 2 * limit);
        int clauseEnd = -1;
        for (int i = windowEnd; i < searchEnd && clauseEnd < 0; i++) {
            clauseEnd = clauseBoundaryAfter(i, end);
        }
        if (clauseEnd < 0 && end <= searchEnd) {
            clauseEnd = end;
        }
        return clauseEnd < 0 ? windowEnd : Math.min(windowEnd, start + (clauseEnd - start + 1) / 2);
    }

    /** Returns where a clause ending in the mark at {@code i} ends (past closing quotes), or -1. */
    private int clauseBoundaryAfter(int i, int end) {
        char mark = text.charAt(i);
        if (!isClauseMark(mark, i, end)) {
            return -1;
        }
        int cut = i + 1;
        while (cut < end && isCloser(text.charAt(cut))) {
            cut++;
        }
        if (cut >= end || Character.isWhitespace(text.charAt(cut)) || Scripts.isCjk(mark)
                || Scripts.isCjk(text.codePointBefore(i)) || Scripts.isCjk(text.codePointAt(cut))) {
            return cut;
        }
        // "1,000", "10:30" and "a,b" are not clause ends.
        return -1;
    }

    private boolean isClauseMark(char c, int i, int end) {
        return switch (c) {
            case ',', ';', ':', '\u3001', '\uFF0C', '\uFF1B', '\uFF1A', '\u060C', '\u061B',
                 '\u2013', '\u2014', '\u2015' -> true;
            // A spaced hyphen is a dash written with the keyboard.
            case '-' -> i + 1 < end && text.charAt(i - 1) == ' ' && text.charAt(i + 1) == ' ';
            default -> false;
        };
    }

    private static boolean isCloser(char c) {
        int type = Character.getType(c);
        return c == '"' || c == '\'' || type == Character.END_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION;
    }

    private int lastSpace(int start, int windowEnd) {
        for (int i = windowEnd; i > start; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Returns the last boundary in {@code (start, windowEnd]}, or -1. The iterator sees only the stretch around
     * the window: dictionary-based word breaking over the whole text would cost that much on every cut.
     */
    private int lastBoundary(BreakIterator iterator, int start, int windowEnd) {
        int contextEnd = Math.min(text.length(), windowEnd + CONTEXT_CHARS);
        iterator.setText(text.substring(start, contextEnd));
        int boundary = iterator.preceding(windowEnd - start + 1);
        return boundary > 0 ? start + boundary : -1;
    }

    private BreakIterator words() {
        if (words == null) {
            words = BreakIterator.getWordInstance(locale);
        }
        return words;
    }

    private BreakIterator graphemes() {
        if (graphemes == null) {
            graphemes = BreakIterator.getCharacterInstance(locale);
        }
        return graphemes;
    }
}

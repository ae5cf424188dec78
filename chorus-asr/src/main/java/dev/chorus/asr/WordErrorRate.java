package dev.chorus.asr;

import java.util.List;

/**
 * The word error rate of a transcript against its reference: the fewest substitutions, deletions and insertions
 * that turn the reference's tokens into the transcript's, over the reference's length. Add rates with
 * {@link #plus} to get a corpus rate (the sum of the edits over the sum of the reference lengths, not a mean of
 * sentence rates).
 *
 * @param substitutions reference words heard as another word
 * @param deletions     reference words not heard
 * @param insertions    words heard that the reference does not have
 * @param referenceWords the reference's length in tokens
 */
public record WordErrorRate(int substitutions, int deletions, int insertions, int referenceWords) {

    /** No words, no errors: the start of a corpus sum. */
    public static final WordErrorRate NONE = new WordErrorRate(0, 0, 0, 0);

    public WordErrorRate {
        if (substitutions < 0 || deletions < 0 || insertions < 0 || referenceWords < 0
                || substitutions + deletions > referenceWords) {
            throw new IllegalArgumentException("substitutions, deletions, insertions, referenceWords: "
                    + substitutions + ", " + deletions + ", " + insertions + ", " + referenceWords
                    + " (expected: non-negative, substitutions + deletions <= referenceWords)");
        }
    }

    /** Scores the transcript {@code heard} against {@code reference}, both tokenized by {@link ScoringText}. */
    public static WordErrorRate of(String reference, String heard) {
        return of(ScoringText.tokens(reference), ScoringText.tokens(heard));
    }

    /** Scores the tokens {@code heard} against the tokens {@code reference}. */
    public static WordErrorRate of(List<String> reference, List<String> heard) {
        int n = reference.size();
        int m = heard.size();
        // cost[j] and the edit counts of the cheapest path to it, one row of the table at a time.
        int[][] prev = new int[m + 1][4];
        int[][] cur = new int[m + 1][4];
        for (int j = 0; j <= m; j++) {
            prev[j] = new int[] {j, 0, 0, j};
        }
        for (int i = 1; i <= n; i++) {
            cur[0] = new int[] {i, 0, i, 0};
            for (int j = 1; j <= m; j++) {
                boolean same = reference.get(i - 1).equals(heard.get(j - 1));
                int[] diagonal = prev[j - 1];
                int[] up = prev[j];
                int[] left = cur[j - 1];
                int sub = diagonal[0] + (same ? 0 : 1);
                int del = up[0] + 1;
                int ins = left[0] + 1;
                if (sub <= del && sub <= ins) {
                    cur[j] = new int[] {sub, diagonal[1] + (same ? 0 : 1), diagonal[2], diagonal[3]};
                } else if (del <= ins) {
                    cur[j] = new int[] {del, up[1], up[2] + 1, up[3]};
                } else {
                    cur[j] = new int[] {ins, left[1], left[2], left[3] + 1};
                }
            }
            int[][] t = prev;
            prev = cur;
            cur = t;
        }
        int[] best = prev[m];
        return new WordErrorRate(best[1], best[2], best[3], n);
    }

    /** Returns the number of edits. */
    public int errors() {
        return substitutions + deletions + insertions;
    }

    /**
     * Returns the rate: errors over reference words (can exceed 1 when much is inserted); for an empty
     * reference, 0 when nothing was heard and 1 otherwise.
     */
    public double rate() {
        if (referenceWords == 0) {
            return insertions == 0 ? 0 : 1;
        }
        return errors() / (double) referenceWords;
    }

    /** Returns the corpus sum of this and {@code other}. */
    public WordErrorRate plus(WordErrorRate other) {
        return new WordErrorRate(substitutions + other.substitutions, deletions + other.deletions,
                insertions + other.insertions, referenceWords + other.referenceWords);
    }
}

package dev.chorus.safety;

import com.ibm.icu.text.Normalizer2;

import java.util.Arrays;

/**
 * Folds text for matching: Unicode NFKC with case folding, so full-width and half-width forms, compatibility
 * characters and case all compare equal. Each folded character remembers the source range it came from: text is
 * folded one normalization segment at a time (a base character and the marks that combine with it), and every
 * character a segment folds to maps to the whole segment.
 */
final class Folding {

    private static final Normalizer2 NFKC_CF = Normalizer2.getNFKCCasefoldInstance();

    private Folding() {
    }

    /** Folded text and, per folded character, the source range it came from. */
    record Folded(String text, int[] starts, int[] ends) {
    }

    /** Folds a single term (its own source). */
    static String term(String term) {
        return NFKC_CF.normalize(term);
    }

    /** Folds {@code src}, keeping the map to source offsets. */
    static Folded fold(SourceText src) {
        String s = src.text();
        StringBuilder out = new StringBuilder(s.length());
        int[] starts = new int[s.length() + 16];
        int[] ends = new int[s.length() + 16];
        int segStart = 0;
        int i = 0;
        while (true) {
            int cp = i < s.length() ? s.codePointAt(i) : -1;
            if (i == s.length() || (i > segStart && NFKC_CF.hasBoundaryBefore(cp))) {
                if (i > segStart) {
                    int from = Integer.MAX_VALUE;
                    int to = Integer.MIN_VALUE;
                    for (int k = segStart; k < i; k++) {
                        from = Math.min(from, src.sourceStart(k));
                        to = Math.max(to, src.sourceEnd(k));
                    }
                    String folded = NFKC_CF.normalize(s.substring(segStart, i));
                    for (int k = 0; k < folded.length(); k++) {
                        int n = out.length();
                        if (n == starts.length) {
                            starts = Arrays.copyOf(starts, n * 2);
                            ends = Arrays.copyOf(ends, n * 2);
                        }
                        starts[n] = from;
                        ends[n] = to;
                        out.append(folded.charAt(k));
                    }
                }
                segStart = i;
            }
            if (i == s.length()) {
                break;
            }
            i += Character.charCount(cp);
        }
        int n = out.length();
        return new Folded(out.toString(), Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
    }
}

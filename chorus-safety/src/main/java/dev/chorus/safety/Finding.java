package dev.chorus.safety;

import java.util.Objects;

/**
 * One rule that matched a request's text.
 *
 * @param ruleId      the rule's id from the rules file
 * @param category    the rule's category
 * @param sourceStart offset of the match's first character in the request's input, inclusive
 * @param sourceEnd   offset just past its last character, exclusive
 * @param timedOut    {@code true} when the rule's pattern ran past its time limit, so its result is unknown; the
 *                    span then covers the whole input
 */
public record Finding(String ruleId, String category, int sourceStart, int sourceEnd, boolean timedOut) {

    /** Checks that the ids are present and the span is ordered. */
    public Finding {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(category, "category");
        if (sourceStart < 0 || sourceEnd < sourceStart) {
            throw new IllegalArgumentException("span: [" + sourceStart + ", " + sourceEnd
                    + ") (expected: 0 <= start <= end)");
        }
    }
}

package dev.chorus.safety;

import java.util.List;
import java.util.Objects;

/**
 * One rule of a rules file: terms and/or regular expressions whose matches fall in a category.
 *
 * @param id       unique id, reported in the audit log
 * @param category what kind of content it finds; policies act per category
 * @param terms    words or phrases, matched after folding (whole words in space-separated scripts, anywhere in
 *                 Chinese, Japanese, Korean and other scripts written without spaces)
 * @param patterns regular expressions ({@link java.util.regex.Pattern} syntax), matched case-insensitively on the
 *                 folded text within a time limit
 */
public record Rule(String id, String category, List<String> terms, List<String> patterns) {

    /** Checks that the ids are present and copies the lists. */
    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        terms = List.copyOf(terms);
        patterns = List.copyOf(patterns);
    }
}

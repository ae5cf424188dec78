package dev.chorus.text;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Matches patterns at an offset of one text and turns a match into a {@link Reading} that ends where the match
 * ends, so the words replace exactly the text matched. The language rules share this scaffolding; only what a
 * match is read as differs.
 *
 * <p>Matches are anchored at the offset but see the whole text (transparent bounds), so lookbehinds and
 * lookaheads work across it. Each pattern keeps one {@link Matcher}, reused on the next call for that pattern:
 * a rule reads a match before it matches the same pattern again.
 *
 * <p>One instance serves one text on one thread.
 */
final class TextMatcher {

    private final String text;
    private final Map<Pattern, Matcher> matchers = new IdentityHashMap<>();

    TextMatcher(String text) {
        this.text = text;
    }

    /** Returns the text matched against. */
    String text() {
        return text;
    }

    /** Matches {@code pattern} starting at {@code i}, or returns {@code null}. */
    Matcher at(Pattern pattern, int i) {
        Matcher m = matchers.computeIfAbsent(pattern, p -> p.matcher(text).useTransparentBounds(true));
        m.region(i, text.length());
        return m.lookingAt() ? m : null;
    }

    /**
     * Reads the match of {@code pattern} at {@code i} with {@code reader}; returns {@code null} when the pattern
     * does not match there or the reader declines the match.
     */
    Reading read(Pattern pattern, int i, Function<? super MatchResult, Reading> reader) {
        Matcher m = at(pattern, i);
        return m == null ? null : reader.apply(m);
    }

    /**
     * Replaces the whole match of {@code pattern} at {@code i} with the words {@code words} gives for it; returns
     * {@code null} when the pattern does not match there or {@code words} returns {@code null}.
     */
    Reading replace(Pattern pattern, int i, Function<? super MatchResult, String> words) {
        Matcher m = at(pattern, i);
        if (m == null) {
            return null;
        }
        String spoken = words.apply(m);
        return spoken == null ? null : new Reading(m.end(), spoken);
    }

    /** Returns whether a token may end at {@code end}: no letter or digit follows, nor a decimal part. */
    boolean endsWord(int end) {
        if (end >= text.length()) {
            return true;
        }
        char c = text.charAt(end);
        if (Verbalizer.isLatinWordChar(c)) {
            return false;
        }
        return !((c == '.' || c == '/') && end + 1 < text.length() && Num.isDigit(text.charAt(end + 1)));
    }
}

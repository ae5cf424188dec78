package dev.chorus.server.wyoming;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Gathers streamed text ({@code synthesize-chunk}) and hands out sentences as they complete. A sentence counts as
 * complete once the text after it has begun (so "Dr." or "3." at the end of a chunk waits for what follows), and
 * never ends after a common abbreviation. A sentence that grows past {@code maxChars} without ending is cut at its
 * last space before the limit, so the text held per connection stays bounded.
 */
final class SentenceBuffer {

    private static final Set<String> ABBREVIATIONS = Set.of("mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.",
            "sr.", "vs.", "etc.", "e.g.", "i.e.", "no.", "inc.", "u.s.", "a.m.", "p.m.");

    private final StringBuilder text = new StringBuilder();
    private final Locale locale;
    private final int maxChars;

    SentenceBuffer(Locale locale, int maxChars) {
        this.locale = locale;
        this.maxChars = maxChars;
    }

    /** Adds a chunk of text; returns the sentences it completed, in order (possibly none). */
    List<String> add(String chunk) {
        text.append(chunk);
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(locale);
        String all = text.toString();
        it.setText(all);
        int cut = 0;
        for (int end = it.next(); end != BreakIterator.DONE && end < all.length(); end = it.next()) {
            String sentence = all.substring(cut, end).strip();
            if (!sentence.isEmpty() && !endsWithAbbreviation(sentence)) {
                out.add(sentence);
                cut = end;
            }
        }
        text.delete(0, cut);
        while (text.length() > maxChars) {
            int space = text.lastIndexOf(" ", maxChars);
            int at = space > 0 ? space : maxChars;
            out.add(text.substring(0, at).strip());
            text.delete(0, at);
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    /** Returns what is left (the last sentence, ended or not) and empties the buffer. */
    String finish() {
        String rest = text.toString().strip();
        text.setLength(0);
        return rest;
    }

    private static boolean endsWithAbbreviation(String sentence) {
        int space = sentence.lastIndexOf(' ');
        String last = sentence.substring(space + 1).toLowerCase(Locale.ROOT);
        return ABBREVIATIONS.contains(last);
    }
}

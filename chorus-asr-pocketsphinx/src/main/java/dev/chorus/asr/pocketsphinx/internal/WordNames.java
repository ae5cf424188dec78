package dev.chorus.asr.pocketsphinx.internal;

import java.util.Locale;

/** Turns PocketSphinx's word entries into spoken words: fillers dropped, alternate-pronunciation marks removed. */
final class WordNames {

    private WordNames() {
    }

    /**
     * Returns the word {@code entry} stands for, or an empty string for silence and fillers ({@code <s>},
     * {@code </s>}, {@code <sil>}, {@code [NOISE]}, {@code ++UH++}); {@code read(2)} is {@code read}.
     */
    static String spoken(String entry) {
        String w = entry.strip();
        if (w.isEmpty() || w.startsWith("<") || w.startsWith("[") || w.startsWith("++")) {
            return "";
        }
        int paren = w.indexOf('(');
        if (paren > 0 && w.endsWith(")")) {
            w = w.substring(0, paren);
        }
        return w.toLowerCase(Locale.ROOT);
    }
}

package dev.chorus.asr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sentence sets a voice speaks for its checks: built in per language, or read from a file (one sentence a line,
 * {@code #} starts a comment line, blank lines are skipped).
 */
public final class CheckSentences {

    private CheckSentences() {
    }

    /** Returns the built-in set for {@code language}'s primary language, if there is one (today: English and Mandarin Chinese). */
    public static Optional<List<String>> builtIn(String language) {
        String primary = language == null ? "" : language.toLowerCase(Locale.ROOT).replace('_', '-').split("-")[0];
        try (InputStream in = CheckSentences.class.getResourceAsStream("check-sentences-" + primary + ".txt")) {
            if (in == null || primary.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a sentence file.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no sentence
     */
    public static List<String> read(Path file) {
        try {
            List<String> sentences = parse(Files.readString(file, StandardCharsets.UTF_8));
            if (sentences.isEmpty()) {
                throw new IllegalArgumentException(file + ": no sentences (expected: one sentence a line)");
            }
            return sentences;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static List<String> parse(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}

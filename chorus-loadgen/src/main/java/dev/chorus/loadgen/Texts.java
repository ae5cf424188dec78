package dev.chorus.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Texts the benchmarks speak: built-in sets, or one text per non-blank line of a file. */
public final class Texts {

    /** An English paragraph of exactly 300 characters. */
    public static final String PARAGRAPH_300;

    /** One-sentence English texts of 40 to 60 characters, the typical short request. */
    public static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Please remember to bring your umbrella today.",
            "The next train to the city leaves at noon.",
            "Your order has shipped and will arrive soon.",
            "Turn left at the second traffic light ahead.",
            "The meeting has been moved to Thursday morning.",
            "Thank you for calling, how can I help you?",
            "The museum is open every day except Monday.");

    static {
        String p = "Chorus turns written text into natural speech. It splits long passages into sentences, "
                + "hands each sentence to a voice engine, and streams the audio back in order as soon as it is "
                + "ready. Engines run on their own bounded pools, so a busy voice never slows down another one, "
                + "and every request keeps its deadline.";
        PARAGRAPH_300 = p.length() >= 300 ? p.substring(0, 300) : p;
    }

    private Texts() {
    }

    /** Returns a text of exactly {@code chars} characters made of the paragraph repeated. */
    public static String ofLength(int chars) {
        return (PARAGRAPH_300 + " ").repeat(chars / 300 + 1).substring(0, chars);
    }

    /** Returns the non-blank lines of a UTF-8 file, one text each. */
    public static List<String> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("texts: " + file + " has no text (expected: one text per line)");
        }
        return lines;
    }

    /**
     * Returns text {@code i} of {@code texts}; with {@code unique} a run number is added so no two requests
     * are the same text, which no cache can answer.
     */
    public static String pick(List<String> texts, long i, boolean unique) {
        String t = texts.get((int) (i % texts.size()));
        return unique ? t + " Take " + i + "." : t;
    }
}

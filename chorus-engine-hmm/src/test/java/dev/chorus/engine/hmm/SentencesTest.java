package dev.chorus.engine.hmm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Splitting a chunk into the sentences MaryTTS speaks one at a time. */
class SentencesTest {

    private static List<String> split(String text) {
        return Sentences.split(text).stream().map(s -> s.of(text)).toList();
    }

    @Test
    void splitsAtSentenceEndsAndTrimsWhitespace() {
        assertThat(split("  Hello there. How are you?\n\nFine!  ")).containsExactly(
                "Hello there.", "How are you?", "Fine!");
    }

    @Test
    void keepsTitlesWithTheNameThatFollows() {
        assertThat(split("Dr. Smith met Mrs. Jones. They talked.")).containsExactly(
                "Dr. Smith met Mrs. Jones.", "They talked.");
    }

    @Test
    void skipsWhitespaceOnlyPieces() {
        assertThat(split(" \n\t ")).isEmpty();
    }

    @Test
    void cutsRunOnSentencesAtACommaOrSpace() {
        String clause = "and the words keep coming without any end in sight, ";
        String text = clause.repeat(30).strip();
        List<Sentences.Span> spans = Sentences.split(text);
        assertThat(spans.size()).isGreaterThan(3);
        assertThat(spans).allMatch(s -> s.end() - s.start() <= Sentences.MAX_CHARS);
        assertThat(split(text)).allMatch(s -> s.endsWith(",") || s.endsWith("sight"));
        assertThat(String.join(" ", split(text))).isEqualTo(text);
    }
}

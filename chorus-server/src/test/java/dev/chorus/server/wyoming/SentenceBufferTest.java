package dev.chorus.server.wyoming;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class SentenceBufferTest {

    @Test
    void aSentenceIsHandedOutOnceTheNextHasBegun() {
        SentenceBuffer b = new SentenceBuffer(Locale.US, 1000);
        assertThat(b.add("Hello there.")).isEmpty();
        assertThat(b.add(" ")).isEmpty();
        assertThat(b.add("How")).containsExactly("Hello there.");
        assertThat(b.add(" are you? I am fine! And")).containsExactly("How are you?", "I am fine!");
        assertThat(b.finish()).isEqualTo("And");
        assertThat(b.finish()).isEmpty();
    }

    @Test
    void abbreviationsAndNumbersDoNotEndASentence() {
        SentenceBuffer b = new SentenceBuffer(Locale.US, 1000);
        List<String> out = new ArrayList<>(b.add("Dr. Smith paid 3.50 dollars to Mr. Jones. The"));
        out.add(b.finish());
        assertThat(out).containsExactly("Dr. Smith paid 3.50 dollars to Mr. Jones.", "The");
    }

    @Test
    void aSentenceThatNeverEndsIsCutAtASpaceBeforeTheLimit() {
        SentenceBuffer b = new SentenceBuffer(Locale.US, 20);
        List<String> out = b.add("one two three four five six seven eight");
        assertThat(out).isNotEmpty().allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(20));
        assertThat(out.getFirst()).isEqualTo("one two three four");
        assertThat(String.join(" ", out) + " " + b.finish()).isEqualTo("one two three four five six seven eight");
    }

    @Test
    void chineseSentencesEndAtTheirOwnStops() {
        SentenceBuffer b = new SentenceBuffer(Locale.CHINA, 1000);
        assertThat(b.add("你好。今天")).containsExactly("你好。");
        assertThat(b.finish()).isEqualTo("今天");
    }
}

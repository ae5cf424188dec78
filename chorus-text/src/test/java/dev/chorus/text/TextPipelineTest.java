package dev.chorus.text;

import static dev.chorus.text.ChunkAssertions.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TextPipelineTest {

    @Test
    void usesDefaultLimits() {
        TextPipeline pipeline = TextPipeline.builder().build();
        assertThat(pipeline.maxChunkChars()).isEqualTo(400);
        assertThat(pipeline.firstChunkMaxChars()).isEqualTo(120);
    }

    @Test
    void lowersDefaultFirstChunkLimitToASmallerMaximum() {
        TextPipeline pipeline = TextPipeline.builder().maxChunkChars(80).build();
        assertThat(pipeline.firstChunkMaxChars()).isEqualTo(80);
    }

    @Test
    void rejectsOutOfRangeLimitsNamingValueAndBound() {
        assertThatIllegalArgumentException().isThrownBy(() -> TextPipeline.builder().maxChunkChars(5))
                .withMessage("maxChunkChars: 5 (expected: >= 40)");
        assertThatIllegalArgumentException().isThrownBy(() -> TextPipeline.builder().maxChunkChars(20_000))
                .withMessage("maxChunkChars: 20000 (expected: <= 10000)");
        assertThatIllegalArgumentException().isThrownBy(() -> TextPipeline.builder().firstChunkMaxChars(10))
                .withMessage("firstChunkMaxChars: 10 (expected: >= 20)");
        assertThatIllegalArgumentException().isThrownBy(() -> new SentenceChunker(100, 200))
                .withMessage("firstChunkMaxChars: 200 (expected: <= maxChunkChars = 100)");
    }

    @Test
    void rejectsConflictingAndRepeatedOptions() {
        assertThatIllegalStateException()
                .isThrownBy(() -> TextPipeline.builder().maxChunkChars(100).firstChunkMaxChars(200).build())
                .withMessage("firstChunkMaxChars: 200 (expected: <= maxChunkChars = 100)");
        assertThatIllegalStateException()
                .isThrownBy(() -> TextPipeline.builder().maxChunkChars(100).maxChunkChars(200))
                .withMessage("maxChunkChars was already set to 100");
        assertThatIllegalStateException()
                .isThrownBy(() -> TextPipeline.builder().firstChunkMaxChars(50).firstChunkMaxChars(60))
                .withMessage("firstChunkMaxChars was already set to 50");
    }

    @Test
    void readsMandarinTaggedTextByTheChineseRules() {
        // eSpeak's Mandarin voice carries the tag "cmn", not "zh".
        TextPipeline pipeline = TextPipeline.builder().build();
        String text = "2026年3月5日，价格是¥12.50。";
        for (String tag : List.of("zh-CN", "cmn", "cmn-Latn-pinyin")) {
            PreparedText prepared = pipeline.prepare(text, Locale.forLanguageTag(tag));
            assertThat(prepared.normalized()).as(tag).isEqualTo("二零二六年三月五日,价格是十二元五角。");
            assertThat(prepared.sourceSpan(0, 4)).isEqualTo(new Span(0, 4));
        }
        assertThat(SayAs.verbalize("2026", "date", "y", null, Locale.forLanguageTag("cmn"))).isEqualTo("二零二六年");
    }

    @Test
    void returnsNoChunksForBlankInput() {
        TextPipeline pipeline = TextPipeline.builder().build();
        for (String blank : List.of("", "   ", "\n\n\t", "\u200B\u00A0\u3000")) {
            PreparedText prepared = pipeline.prepare(blank, Locale.ENGLISH);
            assertThat(prepared.normalized()).isEmpty();
            assertThat(prepared.chunks()).isEmpty();
            assertThat(prepared.isEmpty()).isTrue();
        }
    }

    @Test
    void rejectsNullArguments() {
        TextPipeline pipeline = TextPipeline.builder().build();
        assertThatNullPointerException().isThrownBy(() -> pipeline.prepare(null, Locale.ENGLISH)).withMessage("text");
        assertThatNullPointerException().isThrownBy(() -> pipeline.prepare("Hi.", null)).withMessage("locale");
    }

    @Test
    void normalizesBeforeChunkingAndPointsChunksIntoNormalizedText() {
        PreparedText prepared = TextPipeline.builder().build()
                .prepare("  “Ｈｅｌｌｏ”\u200B world!!!   How are\tyou?  ", Locale.ENGLISH);
        assertThat(prepared.normalized()).isEqualTo("\"Hello\" world! How are you?");
        assertThat(prepared.chunks()).containsExactly(
                new TextChunk("\"Hello\" world!", 0, 14),
                new TextChunk("How are you?", 15, 27));
    }

    @Test
    void readsNumbersAndAbbreviationsOutByDefaultAndCanLeaveThemAsWritten() {
        TextPipeline pipeline = TextPipeline.builder().build();
        String text = "Dr. Smith paid $5.20 on 2026-11-25.";
        assertThat(pipeline.prepare(text, Locale.US).normalized())
                .isEqualTo("Doctor Smith paid five dollars and twenty cents on November twenty-fifth, twenty "
                        + "twenty-six.");
        assertThat(pipeline.prepare(text, Locale.US, PrepareOptions.DEFAULT).normalized())
                .isEqualTo(pipeline.prepare(text, Locale.US).normalized());
        PreparedText asWritten = pipeline.prepare("  “Dr.”  Smith\u200B paid $5.20!!! ", Locale.US,
                PrepareOptions.DEFAULT.withNormalize(false));
        assertThat(asWritten.normalized()).isEqualTo("\"Dr.\" Smith paid $5.20!");
        assertThat(asWritten.sourceSpan(0, asWritten.normalized().length())).isEqualTo(new Span(2, 29));
    }

    @Test
    void chunksVerbalizedTextWithinTheLimits() {
        TextPipeline pipeline = TextPipeline.builder().maxChunkChars(60).firstChunkMaxChars(40).build();
        PreparedText prepared = pipeline.prepare("Call +1 (555) 123-4567 or 555-987-6543 before 11:45 PM on "
                + "12/24/2026. It costs $1,234,567.89. 我有1234567个苹果。", Locale.US);
        ChunkAssertions.assertWellFormed(prepared, 60, 40);
        // The first chunk ends at the first clause past 20 chars; an over-long clause is cut near its middle.
        assertThat(texts(prepared)).containsExactly(
                "Call plus one, five five five,",
                "one two three, four five six seven or five five five,",
                "nine eight seven,",
                "six five four three before eleven",
                "forty-five p m on December twenty-fourth, twenty twenty-six.",
                "It costs one million two hundred thirty-four thousand",
                "five hundred sixty-seven dollars and eighty-nine cents.",
                "我有一百二十三万四千五百六十七个苹果。");
    }

    @Test
    void rejectsNullOptions() {
        TextPipeline pipeline = TextPipeline.builder().build();
        assertThatNullPointerException().isThrownBy(() -> pipeline.prepare("Hi.", Locale.US, null))
                .withMessage("options");
        assertThatNullPointerException().isThrownBy(() -> new PrepareOptions(true, null)).withMessage("lexicon");
        assertThatNullPointerException().isThrownBy(() -> TextPipeline.builder().lexicon(null))
                .withMessage("lexicon");
    }

    @Test
    void sentenceChunkerWorksOnItsOwn() {
        SentenceChunker chunker = new SentenceChunker(400, 120);
        assertThat(chunker.chunk("Mr. Brown left. Bye.", Locale.ENGLISH)).containsExactly(
                new TextChunk("Mr. Brown left.", 0, 15), new TextChunk("Bye.", 16, 20));
        assertThat(chunker.chunk("  ", Locale.ENGLISH)).isEmpty();
    }

    @Test
    void givesTheSameResultFromManyThreads() throws Exception {
        TextPipeline pipeline = TextPipeline.builder().maxChunkChars(60).firstChunkMaxChars(40).build();
        List<String> inputs = List.of(
                "Dr. Smith arrived. He sat down, looked around the room, and asked for a glass of water, please.",
                "我们用Java写代码。It works well. 很好！在这个美丽的城市里，我们可以看到很多高楼大厦。",
                "The U.S. Army, e.g. its engineers, built bridges, roads and tunnels across the country quickly.");
        List<Locale> locales = List.of(Locale.ENGLISH, Locale.CHINESE, Locale.US);
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            expected.add(texts(pipeline.prepare(inputs.get(i), locales.get(i))));
        }
        try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 64; task++) {
                int index = task % inputs.size();
                results.add(executor.submit(() -> {
                    for (int repeat = 0; repeat < 50; repeat++) {
                        if (!texts(pipeline.prepare(inputs.get(index), locales.get(index)))
                                .equals(expected.get(index))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }
}

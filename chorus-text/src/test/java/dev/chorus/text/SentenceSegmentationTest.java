package dev.chorus.text;

import static dev.chorus.text.ChunkAssertions.assertWellFormed;
import static dev.chorus.text.ChunkAssertions.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sentences short enough to be one chunk each: what is tested here is where sentences end. Most tests turn the
 * rewriting into words off, so that the abbreviations the sentence rules must cope with stay in the text.
 */
class SentenceSegmentationTest {

    private static final PrepareOptions AS_WRITTEN = PrepareOptions.DEFAULT.withNormalize(false);

    private final TextPipeline pipeline = TextPipeline.builder().build();

    private List<String> chunks(String text, Locale locale) {
        return chunks(text, locale, AS_WRITTEN);
    }

    private List<String> chunks(String text, Locale locale, PrepareOptions options) {
        PreparedText prepared = pipeline.prepare(text, locale, options);
        assertWellFormed(prepared, pipeline.maxChunkChars(), pipeline.firstChunkMaxChars());
        return texts(prepared);
    }

    @Test
    void keepsSentencesWholeOnceAbbreviationsAndNumbersAreReadOut() {
        assertThat(chunks("Dr. Smith arrived. He sat.", Locale.ENGLISH, PrepareOptions.DEFAULT))
                .containsExactly("Doctor Smith arrived.", "He sat.");
        assertThat(chunks("We saw Mr. Smith at 9 a.m. on Main St. Then we left.", Locale.US,
                PrepareOptions.DEFAULT))
                .containsExactly("We saw Mister Smith at nine a m on Main Street.", "Then we left.");
        assertThat(chunks("Pi is about 3.14. The U.S. Army has 1.5 million people. It cost $5.20.", Locale.US,
                PrepareOptions.DEFAULT))
                .containsExactly("Pi is about three point one four.",
                        "The U S Army has one point five million people.",
                        "It cost five dollars and twenty cents.");
        assertThat(chunks("Use a tool, e.g. this one, i.e. the best. Then stop.", Locale.ENGLISH,
                PrepareOptions.DEFAULT))
                .containsExactly("Use a tool, for example this one, that is the best.", "Then stop.");
        assertThat(chunks("我有2个苹果。它们花了5.20元！好的", Locale.CHINESE, PrepareOptions.DEFAULT))
                .containsExactly("我有两个苹果。", "它们花了五元二角!", "好的");
    }

    @Test
    void endsASentenceAfterAnAbbreviationThatEndsIt() {
        assertThat(chunks("I live on Main St. It is quiet. Apples, pears, etc. Then more.", Locale.US,
                PrepareOptions.DEFAULT))
                .containsExactly("I live on Main Street.", "It is quiet.", "Apples, pears, et cetera.",
                        "Then more.");
    }

    @Test
    void doesNotBreakAfterTitles() {
        assertThat(chunks("Dr. Smith arrived. He sat.", Locale.ENGLISH))
                .containsExactly("Dr. Smith arrived.", "He sat.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "St.", "Jr.", "Sr.", "vs.", "No.", "Inc.",
            "etc.", "e.g.", "i.e.", "U.S.", "a.m.", "p.m."})
    void doesNotBreakAfterAbbreviationBeforeCapital(String abbreviation) {
        assertThat(chunks("We saw " + abbreviation + " Smith today. Then we left.", Locale.ENGLISH))
                .containsExactly("We saw " + abbreviation + " Smith today.", "Then we left.");
    }

    @Test
    void keepsExampleAbbreviationsInsideSentences() {
        assertThat(chunks("Use a tool, e.g. this one, i.e. the best. Then stop.", Locale.ENGLISH))
                .containsExactly("Use a tool, e.g. this one, i.e. the best.", "Then stop.");
    }

    @Test
    void keepsDecimalsAndDottedNamesTogether() {
        assertThat(chunks("Pi is about 3.14. The U.S. Army has 1.5 million people.", Locale.ENGLISH))
                .containsExactly("Pi is about 3.14.", "The U.S. Army has 1.5 million people.");
    }

    @Test
    void breaksAfterEllipsisOnlyBeforeNewSentence() {
        assertThat(chunks("Wait… what? I think... Then he left.", Locale.ENGLISH))
                .containsExactly("Wait... what?", "I think...", "Then he left.");
    }

    @Test
    void keepsQuotedExclamationWithItsSpeaker() {
        assertThat(chunks("“Stop!” he said. ‘Fine,’ she replied. “Why?” Nobody knew.", Locale.ENGLISH))
                .containsExactly("\"Stop!\" he said.", "'Fine,' she replied.", "\"Why?\"", "Nobody knew.");
    }

    @Test
    void breaksBeforeLatinWordRightAfterChineseExclamation() {
        assertThat(chunks("很好！iPhone很贵。", Locale.CHINESE)).containsExactly("很好!", "iPhone很贵。");
    }

    @Test
    void breaksAfterExclamationsAndQuestions() {
        assertThat(chunks("Wow!!! That is great!!! Really?! Yes.", Locale.ENGLISH))
                .containsExactly("Wow!", "That is great!", "Really?", "Yes.");
    }

    @Test
    void breaksChineseSentencesAtIdeographicAndFullWidthMarks() {
        assertThat(chunks("今天天气很好。我们去公园吧！你觉得怎么样？好的", Locale.SIMPLIFIED_CHINESE))
                .containsExactly("今天天气很好。", "我们去公园吧!", "你觉得怎么样?", "好的");
    }

    @Test
    void keepsChineseCommasInsideSentences() {
        assertThat(chunks("你好，世界。我们走吧，好吗？", Locale.CHINESE))
                .containsExactly("你好,世界。", "我们走吧,好吗?");
    }

    @Test
    void splitsMixedChineseAndEnglish() {
        assertThat(chunks("我们用Java写代码。It works well. 很好！", Locale.CHINESE))
                .containsExactly("我们用Java写代码。", "It works well.", "很好!");
        assertThat(chunks("我们用Java写代码。It works well. 很好！", Locale.ENGLISH))
                .containsExactly("我们用Java写代码。", "It works well.", "很好!");
    }

    @Test
    void appliesEnglishAbbreviationsInChineseText() {
        assertThat(chunks("我见到了Dr. Smith。他很忙。", Locale.CHINESE))
                .containsExactly("我见到了Dr. Smith。", "他很忙。");
    }

    @Test
    void breaksJapaneseSentences() {
        assertThat(chunks("今日は晴れです。散歩に行きましょう！", Locale.JAPANESE))
                .containsExactly("今日は晴れです。", "散歩に行きましょう!");
    }

    @Test
    void usesGermanAbbreviationsForGerman() {
        assertThat(chunks("Er kam z.B. gestern. Dann ging er.", Locale.GERMAN))
                .containsExactly("Er kam z.B. gestern.", "Dann ging er.");
    }

    @Test
    void endsSentencesAtParagraphBreaks() {
        PreparedText prepared = pipeline.prepare("Chapter One\n\nIt was a dark night.\n  \nThe End", Locale.ENGLISH);
        assertThat(prepared.normalized()).isEqualTo("Chapter One It was a dark night. The End");
        assertThat(texts(prepared)).containsExactly("Chapter One", "It was a dark night.", "The End");
        assertThat(prepared.chunks().get(1)).isEqualTo(new TextChunk("It was a dark night.", 12, 32));
    }

    @Test
    void joinsLinesWrappedInsideAParagraph() {
        assertThat(chunks("This sentence was\nwrapped by an editor.\nThis one too.", Locale.ENGLISH))
                .containsExactly("This sentence was wrapped by an editor.", "This one too.");
    }
}

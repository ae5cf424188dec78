package dev.chorus.text;

import static dev.chorus.text.ChunkAssertions.assertWellFormed;
import static dev.chorus.text.ChunkAssertions.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sentences too long for one chunk, and the short first chunk. */
class LongSentenceChunkingTest {

    private static final String COMMITTEE = "When the committee finally met after months of delay, the members "
            + "discussed the budget, the schedule, the staffing plan, and the many concerns raised by residents; "
            + "after a long debate, which lasted well into the evening and tested everyone's patience, they agreed "
            + "to postpone the vote until the next session, when more information would be available.";

    private final TextPipeline defaults = TextPipeline.builder().build();
    private final TextPipeline small = TextPipeline.builder().maxChunkChars(60).firstChunkMaxChars(40).build();

    private static List<String> chunks(TextPipeline pipeline, String text, Locale locale) {
        PreparedText prepared = pipeline.prepare(text, locale);
        assertWellFormed(prepared, pipeline.maxChunkChars(), pipeline.firstChunkMaxChars());
        return texts(prepared);
    }

    @Test
    void cutsLongSentenceAtClauseBoundariesPackingWhatFits() {
        assertThat(chunks(small, COMMITTEE, Locale.ENGLISH)).containsExactly(
                "When the committee finally met after",
                "months of delay, the members discussed the budget,",
                "the schedule, the staffing plan,",
                "and the many concerns raised by residents;",
                "after a long debate,",
                // The clause is too long: it is cut near its middle rather than leaving one word behind.
                "which lasted well into the",
                "evening and tested everyone's patience,",
                "they agreed to postpone the vote until the next session,",
                "when more information would be available.");
    }

    @Test
    void keepsASentenceWholeWhenItFitsAndOnlyTheFirstChunkIsShort() {
        assertThat(COMMITTEE).hasSizeBetween(121, 400);
        assertThat(chunks(defaults, "The storm arrived late in the evening. " + COMMITTEE, Locale.ENGLISH))
                .containsExactly("The storm arrived late in the evening.", COMMITTEE);
    }

    @Test
    void cutsLongFirstSentenceAtItsFirstClauseBoundaryPastTwentyChars() {
        assertThat(chunks(defaults, "Yes, " + COMMITTEE, Locale.ENGLISH)).containsExactly(
                "Yes, When the committee finally met after months of delay,",
                COMMITTEE.substring(COMMITTEE.indexOf("the members")));
    }

    @Test
    void cutsLongFirstSentenceWithoutCommasAtLastSpaceBeforeLimit() {
        String text = "After the long and difficult journey across the mountains and through the valleys of the "
                + "northern provinces the travellers finally reached the city. They rested.";
        assertThat(chunks(defaults, text, Locale.ENGLISH)).containsExactly(
                "After the long and difficult journey across the mountains and through the valleys of the "
                        + "northern provinces the",
                "travellers finally reached the city.",
                "They rested.");
    }

    @Test
    void cutsParagraphWithoutPunctuationAtSpacesUnderTheLimit() {
        String[] words = {"river", "stone", "a", "mountain", "light", "over", "the", "quietly", "seven", "blue"};
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        while (text.length() < 5000) {
            text.append(words[random.nextInt(words.length)]).append(' ');
        }
        PreparedText prepared = defaults.prepare(text.toString(), Locale.ENGLISH);
        assertWellFormed(prepared, 400, 120);

        assertThat(String.join(" ", texts(prepared))).isEqualTo(prepared.normalized());
        List<TextChunk> chunks = prepared.chunks();
        assertThat(chunks.getFirst().text()).hasSizeBetween(110, 120);
        for (TextChunk chunk : chunks) {
            // Never mid-word: each chunk is bounded by spaces or the ends of the text.
            assertThat(chunk.start() == 0 || prepared.normalized().charAt(chunk.start() - 1) == ' ').isTrue();
            assertThat(chunk.end() == prepared.normalized().length()
                    || prepared.normalized().charAt(chunk.end()) == ' ').isTrue();
        }
        // Chunks are packed close to the limit, except the last two, which share what is left evenly.
        for (TextChunk chunk : chunks.subList(1, chunks.size() - 2)) {
            assertThat(chunk.text()).hasSizeBetween(390, 400);
        }
    }

    @Test
    void cutsChineseLongSentenceAtFullWidthCommas() {
        String text = "在这个美丽的城市里，我们可以看到很多高楼大厦，也可以看到许多古老的建筑，"
                + "这些建筑见证了这座城市几百年来的发展和变化，让人感到非常震撼和感动。我们明天再来。";
        assertThat(chunks(small, text, Locale.CHINESE)).containsExactly(
                "在这个美丽的城市里,我们可以看到很多高楼大厦,",
                "也可以看到许多古老的建筑,这些建筑见证了这座城市几百年来的发展和变化,让人感到非常震撼和感动。",
                "我们明天再来。");
    }

    @Test
    void cutsChineseWithoutPunctuationBetweenWords() {
        String text = "在这个美丽的城市里我们可以看到很多高楼大厦也可以看到许多古老的建筑"
                + "这些建筑见证了这座城市几百年来的发展和变化让人感到非常震撼和感动";
        assertThat(chunks(small, text, Locale.CHINESE)).containsExactly(
                "在这个美丽的城市里我们可以看到很多高楼大厦也可以看到许多古老的建筑这些建筑见证了",
                "这座城市几百年来的发展和变化让人感到非常震撼和感动");
    }

    @Test
    void cutsOverlongTokenBetweenCharactersWithoutSplittingSurrogatePairs() {
        List<String> letters = chunks(small, "x".repeat(130), Locale.ENGLISH);
        assertThat(letters).containsExactly("x".repeat(40), "x".repeat(60), "x".repeat(30));

        List<String> emoji = chunks(small, "\uD83D\uDE00".repeat(60), Locale.ENGLISH);
        assertThat(emoji).hasSize(3).allSatisfy(chunk -> {
            assertThat(Character.isLowSurrogate(chunk.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1))).isFalse();
        });
    }

    @Test
    void keepsEveryCharacterOfRandomTextWithinLimits() {
        String[] pieces = {"word", "Dr.", "3.14", ", ", ". ", "! ", "? ", "; ", " ", " ", " ", "你好", "。", "，",
                "\u2014", "\u2013", "...", "\"", "e.g.", "\n\n", "\t", "\u200B", "Ｆｕｌｌ", "\uD83D\uDE00", "x"};
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int max = 40 + random.nextInt(200);
            int first = 20 + random.nextInt(max - 19);
            TextPipeline pipeline = TextPipeline.builder().maxChunkChars(max).firstChunkMaxChars(first).build();
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(2000);
            while (text.length() < length) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            Locale locale = random.nextBoolean() ? Locale.ENGLISH : Locale.CHINESE;
            assertWellFormed(pipeline.prepare(text.toString(), locale), max, first);
        }
    }
}

package dev.chorus.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Offsets of the prepared text lead back to what the user wrote. */
class OffsetMappingTest {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}'-]+");

    private final TextPipeline pipeline = TextPipeline.builder().build();

    /** Returns each word of the normalized text with the source text it maps to, in order. */
    private static List<Map.Entry<String, String>> wordSources(PreparedText prepared) {
        Map<Integer, Map.Entry<String, String>> words = new LinkedHashMap<>();
        Matcher m = WORD.matcher(prepared.normalized());
        while (m.find()) {
            Span span = prepared.sourceSpan(m.start(), m.end());
            words.put(m.start(), Map.entry(m.group(), prepared.source().substring(span.start(), span.end())));
        }
        return List.copyOf(words.values());
    }

    @Test
    void mapsEachWordOfAReadingToTheWholeTokenItReads() {
        PreparedText prepared = pipeline.prepare("It costs $5.20 today.", Locale.US);
        assertThat(prepared.normalized()).isEqualTo("It costs five dollars and twenty cents today.");
        assertThat(wordSources(prepared)).containsExactly(
                Map.entry("It", "It"), Map.entry("costs", "costs"), Map.entry("five", "$5.20"),
                Map.entry("dollars", "$5.20"), Map.entry("and", "$5.20"), Map.entry("twenty", "$5.20"),
                Map.entry("cents", "$5.20"), Map.entry("today", "today"));
    }

    @Test
    void aCharThatExpandsIntoSeveralReadingsMapsEachOfThemAndTheSpaceBetweenBackToIt() {
        // NFKC turns U+2A75 into "==", two readings of one source char with a space inserted between them.
        PreparedText prepared = pipeline.prepare("a \u2A75 b", Locale.US);
        assertThat(prepared.normalized()).isEqualTo("a equals equals b");
        assertThat(wordSources(prepared)).containsExactly(Map.entry("a", "a"), Map.entry("equals", "\u2A75"),
                Map.entry("equals", "\u2A75"), Map.entry("b", "b"));
        Span between = prepared.sourceSpan(8, 9);
        assertThat(prepared.source().substring(between.start(), between.end())).isEqualTo("\u2A75");
        assertThat(pipeline.prepare("\u2A75", Locale.US).normalized()).isEqualTo("equals equals");
    }

    @Test
    void mapsAbbreviationsDatesAndUnitsBack() {
        PreparedText prepared = pipeline.prepare("Dr. Smith ran 5 km on 2026-11-25.", Locale.US);
        assertThat(prepared.normalized())
                .isEqualTo("Doctor Smith ran five kilometers on November twenty-fifth, twenty twenty-six.");
        assertThat(wordSources(prepared)).containsExactly(
                Map.entry("Doctor", "Dr."), Map.entry("Smith", "Smith"), Map.entry("ran", "ran"),
                Map.entry("five", "5 km"), Map.entry("kilometers", "5 km"), Map.entry("on", "on"),
                Map.entry("November", "2026-11-25"), Map.entry("twenty-fifth", "2026-11-25"),
                Map.entry("twenty", "2026-11-25"), Map.entry("twenty-six", "2026-11-25"));
        // The final period is the user's own.
        int last = prepared.normalized().length();
        assertThat(prepared.sourceSpan(last - 1, last)).isEqualTo(new Span(32, 33));
    }

    @Test
    void mapsChineseReadingsAndMixedText() {
        PreparedText prepared = pipeline.prepare("我有3个苹果，花了5.20元。", Locale.CHINA);
        assertThat(prepared.normalized()).isEqualTo("我有三个苹果,花了五元二角。");
        String normalized = prepared.normalized();
        assertThat(sourceOf(prepared, normalized.indexOf('三'), 1)).isEqualTo("3");
        assertThat(sourceOf(prepared, normalized.indexOf('个'), 1)).isEqualTo("个");
        assertThat(sourceOf(prepared, normalized.indexOf(','), 1)).isEqualTo("，");
        assertThat(sourceOf(prepared, normalized.indexOf("五元二角"), 4)).isEqualTo("5.20元");
    }

    @Test
    void mapsCharacterCleanupBack() {
        String input = "  “Ｈｅｌｌｏ”\u200B   wor\u00ADld —  ﬁne…";
        PreparedText prepared = pipeline.prepare(input, Locale.ENGLISH);
        assertThat(prepared.normalized()).isEqualTo("\"Hello\" world, fine...");
        String normalized = prepared.normalized();
        assertThat(sourceOf(prepared, 0, 1)).isEqualTo("“");
        assertThat(sourceOf(prepared, 1, 5)).isEqualTo("Ｈｅｌｌｏ");
        assertThat(sourceOf(prepared, normalized.indexOf("world"), 5)).isEqualTo("wor\u00ADld");
        assertThat(sourceOf(prepared, normalized.indexOf("fi"), 1)).isEqualTo("ﬁ");
        assertThat(sourceOf(prepared, normalized.indexOf("fine"), 4)).isEqualTo("ﬁne");
        assertThat(sourceOf(prepared, normalized.indexOf("..."), 3)).isEqualTo("…");
    }

    @Test
    void mapsChunksOfSeveralParagraphsToTheirSentences() {
        String input = "Chapter 1\n\nIt was 1984. I paid $3.\n\n  The End";
        PreparedText prepared = pipeline.prepare(input, Locale.US);
        assertThat(ChunkAssertions.texts(prepared)).containsExactly(
                "Chapter one", "It was nineteen eighty-four.", "I paid three dollars.", "The End");
        assertThat(prepared.chunks()).extracting(chunk -> {
            Span span = prepared.sourceSpan(chunk);
            return input.substring(span.start(), span.end());
        }).containsExactly("Chapter 1", "It was 1984.", "I paid $3.", "The End");
    }

    @Test
    void mapsLexiconAliasesAndPhonemesBack() {
        Lexicon lexicon = Lexicon.of(List.of(Lexicon.Entry.regex("\\bk8s\\b", "kubernetes"),
                Lexicon.Entry.phoneme("tomato", "təˈmeɪtoʊ")));
        String input = "Run k8s on 2 tomato farms.";
        PreparedText prepared = pipeline.prepare(input, Locale.US, PrepareOptions.DEFAULT.withLexicon(lexicon));
        assertThat(prepared.normalized()).isEqualTo("Run kubernetes on two tomato farms.");
        String normalized = prepared.normalized();
        assertThat(sourceOf(prepared, normalized.indexOf("kubernetes"), "kubernetes".length())).isEqualTo("k8s");
        assertThat(sourceOf(prepared, normalized.indexOf("two"), 3)).isEqualTo("2");
        PhonemeSpan tomato = prepared.phonemes().getFirst();
        assertThat(normalized.substring(tomato.start(), tomato.end())).isEqualTo("tomato");
        assertThat(sourceOf(prepared, tomato.start(), tomato.end() - tomato.start())).isEqualTo("tomato");
    }

    @Test
    void keepsIdentityMappingForTheTwoArgumentConstructor() {
        PreparedText prepared = new PreparedText("Hi there.", List.of(new TextChunk("Hi there.", 0, 9)));
        assertThat(prepared.source()).isEqualTo("Hi there.");
        assertThat(prepared.sourceSpan(3, 8)).isEqualTo(new Span(3, 8));
        assertThat(prepared.sourceStart(9)).isEqualTo(9);
        assertThat(prepared.sourceEnd(0)).isZero();
        assertThat(prepared.phonemes()).isEmpty();
    }

    @Test
    void rejectsAMappingOfAnotherText() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PreparedText("a", List.of(), MappedText.identity("b"), List.of()))
                .withMessage("mapping: \"b\" (expected: a mapping of the normalized text \"a\")");
    }

    @Test
    void mapsPositionsAtTheEdgesAndRejectsOthers() {
        MappedText text = TextNormalizer.normalizeMapped("  a  b  ");
        assertThat(text.text()).isEqualTo("a b");
        assertThat(text.source()).isEqualTo("  a  b  ");
        assertThat(text.sourceStart(0)).isEqualTo(2);
        assertThat(text.sourceEnd(3)).isEqualTo(6);
        assertThat(text.sourceStart(3)).isEqualTo(6);
        assertThat(text.sourceEnd(0)).isEqualTo(2);
        assertThat(text.sourceSpan(1, 1)).isEqualTo(new Span(3, 3));
        assertThat(text.sourceSpan(1, 2)).isEqualTo(new Span(3, 5));
        assertThat(text.sourceText(2, 3)).isEqualTo("b");
        assertThat(text.slice(2, 3).sourceSpan(0, 1)).isEqualTo(new Span(5, 6));
        assertThatThrownBy(() -> text.sourceStart(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> text.sourceSpan(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);

        MappedText empty = TextNormalizer.normalizeMapped(" \u200B ");
        assertThat(empty.text()).isEmpty();
        assertThat(empty.sourceSpan(0, 0)).isEqualTo(new Span(0, 0));
    }

    @Test
    void normalizesTheSameWithAndWithoutOffsets() {
        for (String text : List.of("“Hi,” she said — twice!!!", "Ｈｅｌｌｏ　Ｗｏｒｌｄ　１２３", "pages 3 – 5",
                "他说——我们走吧。", "a,, b;; c", "Wait. . . what", "คำ ຄຳ", "e\u0301te\u0301", "")) {
            assertThat(TextNormalizer.normalizeMapped(text).text()).isEqualTo(TextNormalizer.normalize(text));
        }
    }

    @Test
    void spanRejectsReversedRanges() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Span(3, 2))
                .withMessage("end: 2 (expected: >= start = 3)");
        assertThatIllegalArgumentException().isThrownBy(() -> new Span(-1, 2))
                .withMessage("start: -1 (expected: >= 0)");
    }

    private static String sourceOf(PreparedText prepared, int start, int length) {
        Span span = prepared.sourceSpan(start, start + length);
        return prepared.source().substring(span.start(), span.end());
    }
}

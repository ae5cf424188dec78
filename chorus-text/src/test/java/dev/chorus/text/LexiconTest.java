package dev.chorus.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LexiconTest {

    private static final String YAML = """
            lexicon:
              language: en            # entries apply to English voices
              entries:
                - grapheme: Chorus
                  alias: Korus
                - grapheme: nginx
                  alias: engine x
                - regex: "\\\\bk8s\\\\b"
                  alias: kubernetes
                - grapheme: tomato
                  phoneme: "təˈmeɪtoʊ"
                - grapheme: US
                  alias: United States
                  case-sensitive: true
                - grapheme: SQL
                  phoneme: "ˈsiːkwəl"
                  alphabet: x-custom
            """;

    private static final String PLS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
                     alphabet="ipa" xml:lang="en-US">
              <lexeme>
                <grapheme>Chorus</grapheme>
                <grapheme>CHORUS</grapheme>
                <alias>Korus</alias>
              </lexeme>
              <lexeme>
                <grapheme>tomato</grapheme>
                <phoneme>təˈmeɪtoʊ</phoneme>
                <phoneme>təˈmɑːtəʊ</phoneme>
              </lexeme>
              <lexeme>
                <grapheme>W3C</grapheme>
                <alias>World Wide Web Consortium</alias>
                <example>The W3C writes standards.</example>
              </lexeme>
            </lexicon>
            """;

    private final TextPipeline pipeline = TextPipeline.builder().build();

    private String say(String text, Lexicon lexicon) {
        return pipeline.prepare(text, Locale.US, PrepareOptions.DEFAULT.withLexicon(lexicon)).normalized();
    }

    @Test
    void parsesTheYamlFormat() {
        Lexicon lexicon = Lexicon.parseYaml(YAML, "lexicon.yaml");
        assertThat(lexicon.language()).contains("en");
        assertThat(lexicon.entries()).hasSize(6);
        assertThat(lexicon.entries().get(2)).isEqualTo(Lexicon.Entry.regex("\\bk8s\\b", "kubernetes"));
        assertThat(lexicon.entries().get(3)).isEqualTo(Lexicon.Entry.phoneme("tomato", "təˈmeɪtoʊ"));
        assertThat(lexicon.entries().get(4))
                .isEqualTo(Lexicon.Entry.alias("US", "United States").withCaseSensitive());
        assertThat(lexicon.entries().get(5).alphabet()).isEqualTo("x-custom");
    }

    @Test
    void appliesAliasesToWholeWordsBeforeReadingNumbers() {
        Lexicon lexicon = Lexicon.parseYaml(YAML, "lexicon.yaml");
        assertThat(say("chorus runs nginx on k8s, not Choruses or k8sx.", lexicon))
                .isEqualTo("Korus runs engine x on kubernetes, not Choruses or k8sx.");
        assertThat(say("The US sent us 2 tomatoes.", lexicon))
                .isEqualTo("The United States sent us two tomatoes.");
    }

    @Test
    void keepsWordsWithPhonemesAndMarksWhereTheyAre() {
        Lexicon lexicon = Lexicon.parseYaml(YAML, "lexicon.yaml");
        PreparedText prepared = pipeline.prepare("Buy 2 tomato cans, learn SQL.\n\nA tomato.", Locale.US,
                PrepareOptions.DEFAULT.withLexicon(lexicon));
        assertThat(prepared.normalized()).isEqualTo("Buy two tomato cans, learn SQL. A tomato.");
        assertThat(prepared.phonemes()).hasSize(3);
        assertThat(prepared.phonemes()).extracting(span -> prepared.normalized().substring(span.start(), span.end()))
                .containsExactly("tomato", "SQL", "tomato");
        assertThat(prepared.phonemes().get(0)).isEqualTo(new PhonemeSpan(8, 14, "təˈmeɪtoʊ", "ipa"));
        assertThat(prepared.phonemes().get(1).alphabet()).isEqualTo("x-custom");
    }

    @Test
    void winsOverTheBuiltInReadingsAndItsAliasesAreReadToo() {
        Lexicon lexicon = Lexicon.of(List.of(Lexicon.Entry.alias("NASA", "N A S A"),
                Lexicon.Entry.alias("v2", "version 2"), Lexicon.Entry.phoneme("IV", "aɪ viː")));
        assertThat(say("NASA shipped v2 to Henry IV.", lexicon)).isEqualTo("N A S A shipped version two to Henry IV.");
        assertThat(say("NASA shipped v2 to Henry IV.", Lexicon.EMPTY))
                .isEqualTo("Nasa shipped v2 to Henry the fourth.");
    }

    @Test
    void prefersTheLongestMatchThenTheFirstEntry() {
        Lexicon lexicon = Lexicon.of(List.of(Lexicon.Entry.alias("New", "Old"),
                Lexicon.Entry.alias("New York", "the Big Apple"), Lexicon.Entry.alias("new", "ignored")));
        assertThat(lexicon.apply("New York is new.")).isEqualTo("the Big Apple is Old.");
    }

    @Test
    void matchesChineseGraphemesInsideWords() {
        Lexicon lexicon = Lexicon.of("zh", List.of(Lexicon.Entry.alias("朝阳", "招阳"),
                Lexicon.Entry.phoneme("重庆", "ʈʂʰʊŋ tɕʰiŋ")));
        PreparedText prepared = pipeline.prepare("我在朝阳区，明天去重庆买2本书。", Locale.CHINA,
                PrepareOptions.DEFAULT.withLexicon(lexicon));
        assertThat(prepared.normalized()).isEqualTo("我在招阳区,明天去重庆买两本书。");
        PhonemeSpan span = prepared.phonemes().getFirst();
        assertThat(prepared.normalized().substring(span.start(), span.end())).isEqualTo("重庆");
    }

    @Test
    void appliesOnlyToLocalesOfItsLanguage() {
        Lexicon english = Lexicon.of("en", List.of(Lexicon.Entry.alias("Chorus", "Korus")));
        Lexicon american = Lexicon.of("en-US", List.of(Lexicon.Entry.alias("tomato", "tomayto")));
        Lexicon both = Lexicon.combine(english, american);
        assertThat(both.forLocale(Locale.US).entries()).hasSize(2);
        assertThat(both.forLocale(Locale.UK).entries()).hasSize(1);
        assertThat(both.forLocale(Locale.CHINA).isEmpty()).isTrue();
        assertThat(both.language()).isEmpty();
        assertThat(pipeline.prepare("Chorus", Locale.CHINA, PrepareOptions.DEFAULT.withLexicon(english))
                .normalized()).isEqualTo("Chorus");
    }

    @Test
    void putsRequestEntriesBeforeThePipelineLexicon() {
        TextPipeline configured = TextPipeline.builder()
                .lexicon(Lexicon.of(List.of(Lexicon.Entry.alias("Chorus", "Korus"),
                        Lexicon.Entry.alias("nginx", "engine x"))))
                .build();
        Lexicon request = Lexicon.of(List.of(Lexicon.Entry.alias("Chorus", "Chorale")));
        assertThat(configured.prepare("Chorus on nginx", Locale.US).normalized()).isEqualTo("Korus on engine x");
        assertThat(configured.prepare("Chorus on nginx", Locale.US, PrepareOptions.DEFAULT.withLexicon(request))
                .normalized()).isEqualTo("Chorale on engine x");
        assertThatIllegalStateException().isThrownBy(() -> TextPipeline.builder()
                .lexicon(Lexicon.EMPTY).lexicon(Lexicon.EMPTY))
                .withMessage("lexicon was already set to Lexicon[0 entries]");
    }

    @Test
    void appliesEvenWhenNumbersAreNotReadOut() {
        Lexicon lexicon = Lexicon.of(List.of(Lexicon.Entry.alias("nginx", "engine x")));
        assertThat(pipeline.prepare("nginx costs $5.", Locale.US,
                new PrepareOptions(false, lexicon)).normalized()).isEqualTo("engine x costs $5.");
    }

    @Test
    void loadsYamlAndPlsFiles(@TempDir Path dir) throws IOException {
        Path yaml = Files.writeString(dir.resolve("words.yml"), YAML);
        Path pls = Files.writeString(dir.resolve("words.pls"), PLS);
        assertThat(Lexicon.load(yaml).entries()).hasSize(6);
        Lexicon fromPls = Lexicon.load(pls);
        assertThat(fromPls.language()).contains("en-us");
        assertThat(fromPls.entries()).containsExactly(
                Lexicon.Entry.alias("Chorus", "Korus"), Lexicon.Entry.alias("CHORUS", "Korus"),
                Lexicon.Entry.phoneme("tomato", "təˈmeɪtoʊ"),
                Lexicon.Entry.alias("W3C", "World Wide Web Consortium"));
        assertThat(say("The W3C likes tomato.", fromPls)).isEqualTo("The World Wide Web Consortium likes tomato.");
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.load(dir.resolve("words.txt")))
                .withMessage("file: " + dir.resolve("words.txt") + " (expected: a name ending in .yaml, .yml, .pls "
                        + "or .xml)");
    }

    @Test
    void namesFileLineAndEntryOfABadRegex() {
        String yaml = """
                lexicon:
                  entries:
                    - grapheme: ok
                      alias: okay
                    - regex: "(unclosed"
                      alias: x
                """;
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml(yaml, "lexicon.yaml"))
                .withMessageStartingWith("lexicon.yaml:5: entry 2: regex: \"(unclosed\" (expected: a valid Java "
                        + "regular expression: Unclosed group");
    }

    @Test
    void namesFileLineAndEntryOfMissingFields() {
        String noAlias = """
                lexicon:
                  entries:
                    - grapheme: fine
                      alias: good
                    - grapheme: tomato
                      alphabet: ipa
                """;
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml(noAlias, "words.yaml"))
                .withMessage("words.yaml:5: entry 2: alias: null, phoneme: null (expected: an alias, a phoneme "
                        + "or both)");
        String noGrapheme = """
                entries:
                  - alias: nothing to match
                """;
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml(noGrapheme, "words.yaml"))
                .withMessage("words.yaml:2: entry 1: grapheme: null, regex: null (expected: exactly one of "
                        + "grapheme and regex)");
        String typo = """
                lexicon:
                  entries:
                    - grapheme: fine
                      alais: good
                """;
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml(typo, "words.yaml"))
                .withMessage("words.yaml:4: entry 1: unknown key \"alais\" (expected one of: [alias, alphabet, "
                        + "case-sensitive, grapheme, phoneme, regex])");
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml("lexicon:\n  language: en\n",
                "words.yaml")).withMessage("words.yaml:2: entries: missing (expected: a list of entries)");
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml(
                "lexicon:\n  entries:\n    - grapheme: a\n      alias: b\n      case-sensitive: maybe\n", "w.yaml"))
                .withMessage("w.yaml:5: entry 1: case-sensitive: \"maybe\" (expected: true or false)");
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml(
                "lexicon:\n  language: 'english!'\n  entries: []\n", "w.yaml"))
                .withMessage("w.yaml:2: language: \"english!\" (expected: a language tag such as en or zh-CN)");
    }

    @Test
    void namesTheFileOfBrokenYaml() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Lexicon.parseYaml("lexicon:\n  entries: [\n", "broken.yaml"))
                .withMessageStartingWith("broken.yaml: ");
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.parseYaml("- a\n- b\n", "list.yaml"))
                .withMessage("list.yaml:1: document: not a mapping (expected: a mapping with key \"lexicon\")");
    }

    @Test
    void rejectsPlsWithADtdAndNeverReadsExternalEntities(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "top secret");
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE lexicon [<!ENTITY xxe SYSTEM "%s">]>
                <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">
                  <lexeme><grapheme>a</grapheme><alias>&xxe;</alias></lexeme>
                </lexicon>
                """.formatted(secret.toUri());
        assertThatIllegalArgumentException().isThrownBy(() -> parsePls(xxe, "evil.pls"))
                .withMessage("evil.pls:2: DOCTYPE: not allowed (expected: a PLS document without a DTD)");
    }

    @Test
    void namesLineAndLexemeOfBadPls() {
        String noGrapheme = """
                <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">
                  <lexeme><grapheme>a</grapheme><alias>b</alias></lexeme>
                  <lexeme>
                    <alias>nothing</alias>
                  </lexeme>
                </lexicon>
                """;
        assertThatIllegalArgumentException().isThrownBy(() -> parsePls(noGrapheme, "words.pls"))
                .withMessage("words.pls:3: lexeme 2: grapheme: missing (expected: at least one <grapheme>)");
        String noAlias = """
                <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">
                  <lexeme><grapheme>a</grapheme></lexeme>
                </lexicon>
                """;
        assertThatIllegalArgumentException().isThrownBy(() -> parsePls(noAlias, "words.pls"))
                .withMessage("words.pls:2: lexeme 1: alias: null, phoneme: null (expected: an alias, a phoneme or "
                        + "both)");
        assertThatIllegalArgumentException().isThrownBy(() -> parsePls("<lexicon>\n<lexeme>\n</lexicon>", "x.pls"))
                .withMessageStartingWith("x.pls:3: malformed PLS document (expected: well-formed XML)");
        assertThatIllegalArgumentException().isThrownBy(() -> parsePls("<words/>", "x.pls"))
                .withMessage("x.pls:1: root element <words> (expected: <lexicon>)");
    }

    @Test
    void rejectsOverlongRegexesAndBadEntries() {
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.Entry.regex("a".repeat(501), "x"))
                .withMessage("regex: 501 chars (expected: 1 to 500)");
        assertThatIllegalArgumentException().isThrownBy(() -> Lexicon.Entry.alias(" ", "x"))
                .withMessage("grapheme: \" \" (expected: not blank)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Lexicon.Entry("a", "b", false, "x", null, null))
                .withMessage("grapheme: \"a\", regex: \"b\" (expected: exactly one of grapheme and regex)");
        assertThatNullPointerException().isThrownBy(() -> Lexicon.Entry.alias("a", null)).withMessage("alias");
    }

    @Test
    @Timeout(10)
    void stopsARegexThatBacktracksWithoutEnd() {
        // Exponential in java.util.regex: the back reference defeats its loop memoization.
        Lexicon lexicon = Lexicon.of(List.of(Lexicon.Entry.regex("(a+)+\\1$", "x")));
        String text = "a".repeat(40) + "!";
        long start = System.nanoTime();
        assertThatIllegalArgumentException().isThrownBy(() -> lexicon.apply(text))
                .withMessageStartingWith("regex: \"(a+)+\\1$\" (expected: a pattern that matches a text of 41 chars "
                        + "within ");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private static Lexicon parsePls(String xml, String name) {
        return Lexicon.parsePls(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), name);
    }
}

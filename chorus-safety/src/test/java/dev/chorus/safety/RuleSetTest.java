package dev.chorus.safety;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleSetTest {

    private static final Duration BUDGET = Duration.ofMillis(50);

    private static final RuleSet RULES = RulesFile.parse("""
            rules:
              - id: violence-en
                category: violence
                terms: [kill, "blow up"]
              - id: violence-zh
                category: violence
                terms: [杀人, 炸弹]
              - id: pii-phone
                category: pii
                patterns: ['\\b\\d{3}-\\d{4}\\b']
            allow:
              terms: [杀人游戏]
              patterns: ['kill switch']
            """, "test.yaml");

    private static List<Finding> scan(String text) {
        return RULES.scan(SourceText.plain(text), BUDGET).findings();
    }

    private static String matched(String text, Finding f) {
        return text.substring(f.sourceStart(), f.sourceEnd());
    }

    @Test
    void findsEnglishTermsAsWholeWordsOnly() {
        String text = "They skill up, then kill. Killer? No: KILL!";
        List<Finding> found = scan(text);
        assertThat(found).extracting(f -> matched(text, f)).containsExactly("kill", "KILL");
        assertThat(found).extracting(Finding::ruleId).containsOnly("violence-en");
        assertThat(found).extracting(Finding::category).containsOnly("violence");
    }

    @Test
    void findsChineseTermsInsideRunningText() {
        String text = "他说要用炸弹，还想杀人。";
        List<Finding> found = scan(text);
        assertThat(found).extracting(f -> matched(text, f)).containsExactly("炸弹", "杀人");
        assertThat(found.get(0).sourceStart()).isEqualTo(4);
    }

    @Test
    void foldsCaseAndFullWidthForms() {
        String text = "ＫＩＬＬ and Ｂｌｏｗ　Ｕｐ";
        List<Finding> found = scan(text);
        assertThat(found).extracting(f -> matched(text, f)).containsExactly("ＫＩＬＬ", "Ｂｌｏｗ　Ｕｐ");
    }

    @Test
    void offsetsPointIntoTheInputAcrossExpandingFolds() {
        // U+FB01 (the fi ligature) folds to two characters; the match after it must still land on the input.
        String text = "ﬁne ﬁne, kill";
        Finding f = scan(text).getFirst();
        assertThat(matched(text, f)).isEqualTo("kill");
        assertThat(f.sourceStart()).isEqualTo(text.indexOf("kill"));
    }

    @Test
    void allowlistSuppressesOverlappingMatches() {
        assertThat(scan("我们玩杀人游戏吧")).isEmpty();
        assertThat(scan("press the kill switch now")).isEmpty();
        assertThat(scan("他要杀人")).hasSize(1);
    }

    @Test
    void patternsMatchWithOffsets() {
        String text = "call 555-1234 now";
        List<Finding> found = scan(text);
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("pii-phone");
            assertThat(matched(text, f)).isEqualTo("555-1234");
            assertThat(f.timedOut()).isFalse();
        });
    }

    @Test
    void catastrophicPatternIsCutOffQuickly() {
        RuleSet evil = RulesFile.parse("""
                rules:
                  - id: evil
                    category: spam
                    patterns: ['(.*,){11}z']
                """, "evil.yaml");
        // Polynomial backtracking of high degree: without the deadline this runs for hours.
        String text = "a,".repeat(200);
        long t0 = System.nanoTime();
        ScanResult r = evil.scan(SourceText.plain(text), Duration.ofMillis(30));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isLessThan(1500);
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.timedOut()).isTrue();
            assertThat(f.ruleId()).isEqualTo("evil");
            assertThat(f.sourceEnd()).isEqualTo(text.length());
        });
        assertThat(Verdict.of(r, ContentPolicy.parse(java.util.Map.of("spam", "block")), true).blockedCategories())
                .containsExactly("spam");
        assertThat(Verdict.of(r, ContentPolicy.parse(java.util.Map.of("spam", "block")), false).blockedCategories())
                .isEmpty();
    }

    @Test
    void textBuiltFromPiecesMapsBackToItsSource() {
        String source = "<speak>I will <emphasis>kill</emphasis> &amp; go</speak>";
        int k = source.indexOf("kill");
        int amp = source.indexOf("&amp;");
        SourceText t = SourceText.builder(source.length())
                .append("I will ", 7, 14).append("kill", k, k + 4).append(" & go", k + 15, amp + 8).build();
        Finding f = RULES.scan(t, BUDGET).findings().getFirst();
        assertThat(source.substring(f.sourceStart(), f.sourceEnd())).isEqualTo("kill");
    }

    @Test
    void policyDecidesPerCategory() {
        ContentPolicy p = ContentPolicy.parse(java.util.Map.of("violence", "mask", "default", "block"));
        Verdict v = Verdict.of(RULES.scan(SourceText.plain("kill 555-1234"), BUDGET), p, true);
        assertThat(v.blockedCategories()).containsExactly("pii");
        assertThat(v.maskedSpans()).singleElement().satisfies(s -> assertThat(s).containsExactly(0, 4));
        assertThat(ContentPolicy.logOnly().actionFor("anything")).isEqualTo(Action.LOG);
    }

    @Test
    void badFilesNameTheEntryAtFault() {
        assertThatThrownBy(() -> RulesFile.parse("rules:\n  - id: a\n    category: x\n    patterns: ['(']\n", "f.yaml"))
                .hasMessageStartingWith("f.yaml: rule 'a' pattern: '('");
        assertThatThrownBy(() -> RulesFile.parse("rules:\n  - id: a\n    category: X Y\n    terms: [a]\n", "f.yaml"))
                .hasMessageContaining("rules[0].category");
        assertThatThrownBy(() -> RulesFile.parse("rules:\n  - {id: a, category: x, terms: [a]}\n"
                + "  - {id: a, category: y, terms: [b]}\n", "f.yaml")).hasMessageContaining("used twice");
        assertThatThrownBy(() -> RulesFile.parse("rulez: []", "f.yaml")).hasMessageContaining("unknown key 'rulez'");
        assertThatThrownBy(() -> RulesFile.parse("rules: [", "f.yaml")).hasMessageStartingWith("f.yaml: not valid YAML");
    }
}

package dev.chorus.safety;

import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

import java.lang.Character.UnicodeScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled set of rules and allowlist entries. Immutable and thread-safe: one instance serves every request
 * until the rules file changes.
 *
 * <p>Design: the input is folded once ({@link Folding}); every term of every rule goes into one Aho-Corasick
 * automaton, so terms cost one pass over the text however many there are. A term written in a space-separated
 * script must stand as a whole word (no letter or digit of such a script right before or after it); a term in
 * Chinese, Japanese, Korean, Thai and the like matches anywhere. Patterns run one after the other, each under a
 * deadline enforced by {@link DeadlineCharSequence}. Allowlist terms and patterns are found the same way; a match
 * that overlaps one of them is dropped. Every span is mapped back through the fold to the request's input.
 */
public final class RuleSet {

    private static final RuleSet EMPTY = new RuleSet(List.of(), List.of(), List.of());
    private static final int PATTERN_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    private record TermRef(Rule rule, boolean wholeStart, boolean wholeEnd) {
    }

    private record CompiledPattern(Rule rule, String source, Pattern pattern) {
    }

    private final List<Rule> rules;
    private final Trie terms;
    private final Map<String, List<TermRef>> termRefs = new HashMap<>();
    private final List<CompiledPattern> patterns = new ArrayList<>();
    private final Trie allowTerms;
    private final Map<String, TermRef> allowRefs = new HashMap<>();
    private final List<Pattern> allowPatterns = new ArrayList<>();

    private RuleSet(List<Rule> rules, List<String> allowTerms, List<String> allowPatterns) {
        this.rules = List.copyOf(rules);
        Set<String> ids = new LinkedHashSet<>();
        for (Rule r : this.rules) {
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("rule id '" + r.id() + "': used twice (expected: unique ids)");
            }
            for (String t : r.terms()) {
                String f = foldTerm("rule '" + r.id() + "' term", t);
                termRefs.computeIfAbsent(f, k -> new ArrayList<>()).add(ref(r, f));
            }
            for (String p : r.patterns()) {
                patterns.add(new CompiledPattern(r, p, compile("rule '" + r.id() + "' pattern", p)));
            }
        }
        this.terms = Trie.builder().addKeywords(termRefs.keySet()).build();
        for (String t : allowTerms) {
            String f = foldTerm("allow term", t);
            allowRefs.put(f, ref(null, f));
        }
        this.allowTerms = Trie.builder().addKeywords(allowRefs.keySet()).build();
        for (String p : allowPatterns) {
            this.allowPatterns.add(compile("allow pattern", p));
        }
    }

    /** Returns a rule set that finds nothing. */
    public static RuleSet empty() {
        return EMPTY;
    }

    /**
     * Compiles rules and an allowlist.
     *
     * @throws IllegalArgumentException naming the rule and the entry at fault: a duplicate id, an empty term, a
     *                                  pattern that does not compile
     */
    public static RuleSet of(List<Rule> rules, List<String> allowTerms, List<String> allowPatterns) {
        return new RuleSet(Objects.requireNonNull(rules, "rules"), Objects.requireNonNull(allowTerms, "allowTerms"),
                Objects.requireNonNull(allowPatterns, "allowPatterns"));
    }

    /** Returns the rules, in file order. */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * Returns every match in {@code text} that no allowlist entry overlaps, in text order. Each pattern (rules'
     * and allowlist's) gets at most {@code patternTimeout}; a rule pattern that runs past it is reported as a
     * {@link Finding#timedOut() timed-out} finding over the whole input, and an allowlist pattern that does is
     * ignored (it suppresses nothing).
     */
    public ScanResult scan(SourceText text, Duration patternTimeout) {
        long t0 = System.nanoTime();
        long budget = patternTimeout.toNanos();
        Folding.Folded f = Folding.fold(text);
        List<int[]> allowed = new ArrayList<>();
        for (Emit e : allowTerms.parseText(f.text())) {
            if (fits(f.text(), e, allowRefs.get(e.getKeyword()))) {
                allowed.add(new int[] {e.getStart(), e.getEnd() + 1});
            }
        }
        for (Pattern p : allowPatterns) {
            List<int[]> spans = new ArrayList<>();
            if (find(p, f.text(), budget, spans)) {
                allowed.addAll(spans);
            }
        }
        List<Finding> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Emit e : terms.parseText(f.text())) {
            for (TermRef ref : termRefs.get(e.getKeyword())) {
                if (fits(f.text(), e, ref)) {
                    add(out, seen, ref.rule(), e.getStart(), e.getEnd() + 1, f, allowed);
                }
            }
        }
        for (CompiledPattern cp : patterns) {
            List<int[]> spans = new ArrayList<>();
            if (!find(cp.pattern(), f.text(), budget, spans)) {
                out.add(new Finding(cp.rule().id(), cp.rule().category(), 0, text.sourceLength(), true));
                continue;
            }
            for (int[] s : spans) {
                add(out, seen, cp.rule(), s[0], s[1], f, allowed);
            }
        }
        out.sort(Comparator.comparingInt(Finding::sourceStart).thenComparingInt(Finding::sourceEnd)
                .thenComparing(Finding::ruleId));
        return new ScanResult(out, System.nanoTime() - t0);
    }

    private static void add(List<Finding> out, Set<String> seen, Rule rule, int start, int end, Folding.Folded f,
                            List<int[]> allowed) {
        if (end <= start) {
            return; // A pattern that matches the empty string finds nothing worth acting on.
        }
        for (int[] a : allowed) {
            if (a[0] < end && start < a[1]) {
                return;
            }
        }
        int from = Integer.MAX_VALUE;
        int to = 0;
        for (int i = start; i < end; i++) {
            from = Math.min(from, f.starts()[i]);
            to = Math.max(to, f.ends()[i]);
        }
        if (seen.add(rule.id() + ':' + from + ':' + to)) {
            out.add(new Finding(rule.id(), rule.category(), from, Math.max(from, to), false));
        }
    }

    /** Runs {@code p} over {@code text} within the budget; returns false when it ran out of time. */
    private static boolean find(Pattern p, String text, long budgetNanos, List<int[]> spans) {
        Matcher m = p.matcher(new DeadlineCharSequence(text, System.nanoTime() + budgetNanos, System::nanoTime));
        try {
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
                if (m.end() == m.start() && m.end() >= text.length()) {
                    break;
                }
            }
            return true;
        } catch (DeadlineCharSequence.Timeout | StackOverflowError e) {
            return false; // Deep recursion on a long input is the same failure as running out of time.
        }
    }

    private static TermRef ref(Rule rule, String folded) {
        return new TermRef(rule, spaced(folded.codePointAt(0)), spaced(folded.codePointBefore(folded.length())));
    }

    private static boolean fits(String text, Emit e, TermRef ref) {
        int start = e.getStart();
        int end = e.getEnd() + 1;
        if (ref.wholeStart() && start > 0 && wordChar(text.codePointBefore(start))) {
            return false;
        }
        return !(ref.wholeEnd() && end < text.length() && wordChar(text.codePointAt(end)));
    }

    /** Tells whether {@code cp} is a letter, digit or mark of a script that separates words with spaces. */
    private static boolean wordChar(int cp) {
        return (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK) && spaced(cp);
    }

    /** Tells whether {@code cp} belongs to a script whose words are separated by spaces. */
    private static boolean spaced(int cp) {
        return switch (UnicodeScript.of(cp)) {
            case HAN, HIRAGANA, KATAKANA, HANGUL, THAI, LAO, KHMER, MYANMAR, TIBETAN, YI, BOPOMOFO -> false;
            default -> true;
        };
    }

    private static String foldTerm(String what, String term) {
        String f = term == null ? "" : Folding.term(term).strip();
        if (f.isEmpty()) {
            throw new IllegalArgumentException(what + ": '" + term + "' (expected: a word or phrase)");
        }
        return f;
    }

    private static Pattern compile(String what, String p) {
        try {
            return Pattern.compile(p, PATTERN_FLAGS);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(what + ": '" + p + "' does not compile (" + e.getDescription()
                    + " near index " + e.getIndex() + ")");
        }
    }
}

package dev.chorus.safety;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the YAML rules file (format in docs/safety.md):
 * <pre>{@code
 * rules:
 *   - id: violence-en
 *     category: violence
 *     terms: [kill, murder]
 *     patterns: ['\bshoot(ing)?\b']
 * allow:
 *   terms: [skill]
 *   patterns: []
 * }</pre>
 */
public final class RulesFile {

    /** What a category may be called: it becomes a policy key and a metric label. */
    private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Set<String> TOP_KEYS = Set.of("rules", "allow");
    private static final Set<String> RULE_KEYS = Set.of("id", "category", "terms", "patterns");
    private static final Set<String> ALLOW_KEYS = Set.of("terms", "patterns");

    private RulesFile() {
    }

    /**
     * Parses and compiles a rules file's content.
     *
     * @param source names the file in error messages
     * @throws IllegalArgumentException starting with {@code source} and naming the entry at fault
     */
    public static RuleSet parse(String yaml, String source) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(10).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(source + ": not valid YAML (" + e.getMessage().replace('\n', ' ')
                    + ")");
        }
        try {
            if (root == null) {
                return RuleSet.empty();
            }
            Map<?, ?> top = map(root, "the document", TOP_KEYS);
            List<Rule> rules = new ArrayList<>();
            Object rs = top.get("rules");
            if (rs != null) {
                if (!(rs instanceof List<?> list)) {
                    throw new IllegalArgumentException("rules: expected a list of rules");
                }
                for (int i = 0; i < list.size(); i++) {
                    rules.add(rule(list.get(i), "rules[" + i + "]"));
                }
            }
            List<String> allowTerms = List.of();
            List<String> allowPatterns = List.of();
            if (top.get("allow") != null) {
                Map<?, ?> allow = map(top.get("allow"), "allow", ALLOW_KEYS);
                allowTerms = strings(allow.get("terms"), "allow.terms");
                allowPatterns = strings(allow.get("patterns"), "allow.patterns");
            }
            return RuleSet.of(rules, allowTerms, allowPatterns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static Rule rule(Object o, String where) {
        Map<?, ?> m = map(o, where, RULE_KEYS);
        String id = string(m.get("id"), where + ".id");
        String category = string(m.get("category"), where + ".category");
        if (!CATEGORY.matcher(category).matches()) {
            throw new IllegalArgumentException(where + ".category: '" + category
                    + "' (expected: lower-case letters, digits, '_', '.', '-'; at most 64)");
        }
        List<String> terms = strings(m.get("terms"), where + ".terms");
        List<String> patterns = strings(m.get("patterns"), where + ".patterns");
        if (terms.isEmpty() && patterns.isEmpty()) {
            throw new IllegalArgumentException(where + " (" + id + "): no terms and no patterns (expected: at least "
                    + "one of them)");
        }
        return new Rule(id, category, terms, patterns);
    }

    private static Map<?, ?> map(Object o, String where, Set<String> keys) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": expected a mapping with keys " + keys);
        }
        for (Object k : m.keySet()) {
            if (!keys.contains(String.valueOf(k))) {
                throw new IllegalArgumentException(where + ": unknown key '" + k + "' (expected: " + keys + ")");
            }
        }
        return m;
    }

    private static String string(Object o, String where) {
        if (!(o instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(where + ": " + (o == null ? "missing" : "'" + o + "'")
                    + " (expected: a non-empty string)");
        }
        return s.strip();
    }

    private static List<String> strings(Object o, String where) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof String s) {
            return List.of(string(s, where));
        }
        if (!(o instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object v = list.get(i);
            // YAML reads 911 or true as numbers and booleans; a term is their text all the same.
            out.add(string(v instanceof Number || v instanceof Boolean ? String.valueOf(v) : v,
                    where + "[" + i + "]"));
        }
        return out;
    }
}

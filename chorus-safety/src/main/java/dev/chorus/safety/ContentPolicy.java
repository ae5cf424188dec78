package dev.chorus.safety;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which {@link Action} each rule category gets: an action per named category and one for every other category.
 * Immutable.
 */
public final class ContentPolicy {

    /** The key that names the action for categories not listed, in {@link #parse(Map)}. */
    public static final String DEFAULT_KEY = "default";

    private static final ContentPolicy LOG_ONLY = new ContentPolicy(Map.of(), Action.LOG);

    private final Map<String, Action> byCategory;
    private final Action fallback;

    private ContentPolicy(Map<String, Action> byCategory, Action fallback) {
        this.byCategory = Map.copyOf(byCategory);
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /** Returns a policy that only logs, whatever the category. */
    public static ContentPolicy logOnly() {
        return LOG_ONLY;
    }

    /** Returns a policy that applies {@code fallback} to every category not in {@code byCategory}. */
    public static ContentPolicy of(Map<String, Action> byCategory, Action fallback) {
        Objects.requireNonNull(byCategory, "byCategory");
        return new ContentPolicy(byCategory, fallback);
    }

    /**
     * Parses a policy written as category to {@code block}, {@code mask} or {@code log}, where the key
     * {@value #DEFAULT_KEY} gives the action for every other category (log when absent).
     *
     * @throws IllegalArgumentException naming the category and the value at fault
     */
    public static ContentPolicy parse(Map<String, String> actions) {
        Map<String, Action> m = new LinkedHashMap<>();
        Action fallback = Action.LOG;
        for (Map.Entry<String, String> e : actions.entrySet()) {
            Action a = Action.parse("policy for category '" + e.getKey() + "'", e.getValue());
            if (e.getKey().equals(DEFAULT_KEY)) {
                fallback = a;
            } else {
                m.put(e.getKey(), a);
            }
        }
        return new ContentPolicy(m, fallback);
    }

    /**
     * Returns this policy with {@code overrides} (written as for {@link #parse(Map)}) laid over it: a category the
     * overrides name takes their action; with a {@value #DEFAULT_KEY} entry the overrides replace this policy
     * entirely, without one every other category keeps this policy's action.
     *
     * @throws IllegalArgumentException naming the category and the value at fault
     */
    public ContentPolicy with(Map<String, String> overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        ContentPolicy o = parse(overrides);
        if (overrides.containsKey(DEFAULT_KEY)) {
            return o;
        }
        Map<String, Action> m = new LinkedHashMap<>(byCategory);
        m.putAll(o.byCategory);
        return new ContentPolicy(m, fallback);
    }

    /** Returns the action for matches of {@code category}. */
    public Action actionFor(String category) {
        return byCategory.getOrDefault(category, fallback);
    }

    /** Returns the action for categories without their own entry. */
    public Action fallback() {
        return fallback;
    }

    @Override
    public String toString() {
        return new TreeMap<>(byCategory) + ", default=" + fallback.id();
    }
}

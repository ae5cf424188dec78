package dev.chorus.safety;

import java.util.Locale;

/** What happens to text that matches a rule of a category. */
public enum Action {
    /** The request is refused; nothing is spoken and the text is not echoed. */
    BLOCK,
    /** The matched words are spoken as silence or a beep of the same length. */
    MASK,
    /** The request goes through unchanged; only the audit log and the metrics record the match. */
    LOG;

    /** Returns the lower-case name used in settings, logs and metrics. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code block}, {@code mask} or {@code log} (case and surrounding space ignored).
     *
     * @throws IllegalArgumentException naming {@code what} and the value when it is none of them
     */
    public static Action parse(String what, String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (Action a : values()) {
            if (a.name().equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException(what + ": '" + value + "' (expected: block, mask or log)");
    }
}

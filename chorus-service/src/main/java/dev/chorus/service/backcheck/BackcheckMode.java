package dev.chorus.service.backcheck;

import java.util.Locale;

/** When the speech back-check listens to a request's audio. */
public enum BackcheckMode {
    /** Never. */
    OFF,
    /** A fraction of requests ({@code backcheck.sample-fraction}), beside the stream: the verdict is recorded. */
    SAMPLED,
    /** Every request, each sentence held until it passed: a mismatch refuses the request. */
    STRICT,
    /** Every request, beside the stream, as in {@link #SAMPLED}. */
    ALL;

    /** Returns the lower-case name used in settings. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a setting's value.
     *
     * @throws IllegalArgumentException naming the setting and the accepted values
     */
    public static BackcheckMode parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (BackcheckMode m : values()) {
            if (m.id().equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("backcheck.mode: '" + value + "' (expected: off, sampled, strict or all)");
    }
}

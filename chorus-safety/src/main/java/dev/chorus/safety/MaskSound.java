package dev.chorus.safety;

import java.util.Locale;

/** What a masked word sounds like. */
public enum MaskSound {
    /** Digital silence. */
    SILENCE,
    /** A quiet 1 kHz tone. */
    BEEP;

    /** Returns the lower-case name used in settings. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code silence} or {@code beep}; throws IllegalArgumentException naming the value otherwise. */
    public static MaskSound parse(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (MaskSound m : values()) {
            if (m.name().equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("safety.mask: '" + value + "' (expected: silence or beep)");
    }
}

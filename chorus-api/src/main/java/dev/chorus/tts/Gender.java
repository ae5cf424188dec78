package dev.chorus.tts;

/** The perceived gender of a voice, when its engine knows it. */
public enum Gender {
    FEMALE, MALE, NEUTRAL, UNKNOWN;

    /** Parses a gender name case-insensitively; anything unrecognised is {@link #UNKNOWN}. */
    public static Gender parse(String s) {
        if (s == null) {
            return UNKNOWN;
        }
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "female", "f" -> FEMALE;
            case "male", "m" -> MALE;
            case "neutral", "n" -> NEUTRAL;
            default -> UNKNOWN;
        };
    }
}

package dev.chorus.engine.espeak.internal;

import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;

/**
 * Turns eSpeak language codes ({@code en-us}, {@code cmn-latn-pinyin}, {@code chr-us-qaaa-x-west},
 * {@code en-us-nyc}) into well-formed BCP-47 tags ({@code en-US}, {@code cmn-Latn-pinyin},
 * {@code chr-Qaaa-US-x-west}, {@code en-US-x-nyc}). Subtags are recased and put in BCP-47 order; a subtag that
 * fits no position is kept as private use rather than dropped, so distinct voices keep distinct tags.
 */
final class LanguageTags {

    private LanguageTags() {
    }

    /** Returns a tag {@link Locale.Builder#setLanguageTag} accepts for the eSpeak code {@code code}. */
    static String toBcp47(String code) {
        String[] parts = code.toLowerCase(Locale.ROOT).replace('_', '-').split("-");
        String language = parts[0];
        String script = null;
        String region = null;
        List<String> variants = new ArrayList<>();
        List<String> privateUse = new ArrayList<>();
        boolean inPrivateUse = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                continue;
            }
            if (inPrivateUse || p.equals("x")) {
                inPrivateUse = true;
                if (!p.equals("x")) {
                    privateUse.add(p);
                }
            } else if (script == null && variants.isEmpty() && p.length() == 4 && isAlpha(p)) {
                script = Character.toUpperCase(p.charAt(0)) + p.substring(1);
            } else if (region == null && variants.isEmpty() && isRegion(p)) {
                region = p.toUpperCase(Locale.ROOT);
            } else if (isVariant(p)) {
                variants.add(p);
            } else {
                privateUse.add(p);
            }
        }
        StringBuilder tag = new StringBuilder(language);
        if (script != null) {
            tag.append('-').append(script);
        }
        if (region != null) {
            tag.append('-').append(region);
        }
        variants.forEach(v -> tag.append('-').append(v));
        if (!privateUse.isEmpty()) {
            tag.append("-x");
            privateUse.forEach(p -> tag.append('-').append(p.length() > 8 ? p.substring(0, 8) : p));
        }
        return wellFormed(tag.toString()) ? tag.toString() : language;
    }

    private static boolean wellFormed(String tag) {
        try {
            new Locale.Builder().setLanguageTag(tag).build();
            return true;
        } catch (IllformedLocaleException e) {
            return false;
        }
    }

    private static boolean isRegion(String p) {
        return (p.length() == 2 && isAlpha(p)) || (p.length() == 3 && p.chars().allMatch(Character::isDigit));
    }

    private static boolean isVariant(String p) {
        boolean alnum = p.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c));
        return alnum && ((p.length() >= 5 && p.length() <= 8) || (p.length() == 4 && Character.isDigit(p.charAt(0))));
    }

    private static boolean isAlpha(String p) {
        return p.chars().allMatch(c -> c < 128 && Character.isLetter(c));
    }
}

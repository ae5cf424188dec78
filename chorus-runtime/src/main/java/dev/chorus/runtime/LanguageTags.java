package dev.chorus.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Matches BCP 47 language tags the way people ask for voices: a tag matches itself and its more specific forms
 * ({@code en} finds {@code en-GB}), and a macrolanguage finds its individual languages and back ({@code zh} finds
 * {@code cmn} and {@code yue} voices; {@code cmn} finds a {@code zh-CN} voice). The table holds the ISO 639-3
 * macrolanguages that voices are commonly tagged with either way.
 */
final class LanguageTags {

    private static final Map<String, Set<String>> MACRO = Map.ofEntries(
            Map.entry("zh", Set.of("cmn", "yue", "wuu", "hak", "nan", "hsn", "gan", "cjy", "cdo", "cpx", "czh")),
            Map.entry("ar", Set.of("arb", "arz", "apc", "ary", "acm", "ajp", "aeb", "arq", "afb", "ayl")),
            Map.entry("fa", Set.of("pes", "prs")),
            Map.entry("ms", Set.of("zsm", "zlm")),
            Map.entry("no", Set.of("nb", "nn")),
            Map.entry("sw", Set.of("swh", "swc")),
            Map.entry("et", Set.of("ekk", "vro")),
            Map.entry("lv", Set.of("lvs", "ltg")),
            Map.entry("uz", Set.of("uzn", "uzs")),
            Map.entry("sq", Set.of("als", "aln", "aae", "aat")),
            Map.entry("ku", Set.of("kmr", "ckb", "sdh")),
            Map.entry("ne", Set.of("npi", "dty")),
            Map.entry("om", Set.of("gax", "hae", "orc")),
            Map.entry("ps", Set.of("pbt", "pbu", "pst")),
            Map.entry("mn", Set.of("khk", "mvf")),
            Map.entry("qu", Set.of("quz", "quy", "qub", "qug")));

    private LanguageTags() {
    }

    /** Tells whether the voice's tag {@code tag} answers a request for {@code asked}. */
    static boolean matches(String tag, String asked) {
        String t = normalize(tag);
        String p = normalize(asked);
        if (p.isEmpty()) {
            return true;
        }
        if (t.equals(p) || t.startsWith(p + "-")) {
            return true;
        }
        String tLang = primary(t);
        String pLang = primary(p);
        if (tLang.equals(pLang)) {
            return false; // Same language, different region or script: the plain prefix rule above decides.
        }
        String rest = p.substring(pLang.length());
        // zh asked, cmn voice: the individual language answers its macrolanguage (regions must still agree).
        if (MACRO.getOrDefault(pLang, Set.of()).contains(tLang)) {
            return rest.isEmpty() || t.substring(tLang.length()).startsWith(rest);
        }
        // cmn asked, zh-CN voice: a voice tagged with the macrolanguage answers for its individual languages.
        return MACRO.getOrDefault(tLang, Set.of()).contains(pLang)
                && (rest.isEmpty() || t.substring(tLang.length()).startsWith(rest));
    }

    private static String normalize(String tag) {
        return tag == null ? "" : tag.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String primary(String tag) {
        int dash = tag.indexOf('-');
        return dash < 0 ? tag : tag.substring(0, dash);
    }
}

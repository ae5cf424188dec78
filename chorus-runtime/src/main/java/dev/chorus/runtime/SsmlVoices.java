package dev.chorus.runtime;

import dev.chorus.ssml.Segment;
import dev.chorus.ssml.SsmlDocument;
import dev.chorus.ssml.Style;
import dev.chorus.tts.VoiceInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The voices an SSML document switches to with {@code <voice>}: by name, or by languages. One rule for the
 * planner, which speaks each run with its voice, and for admission, which must check every voice a request
 * reaches before any of them speaks.
 */
public final class SsmlVoices {

    private SsmlVoices() {
    }

    /** Returns the voice a run of {@code style} is spoken with: its {@code <voice name>}, its languages', or base. */
    static VoiceInfo of(EngineRegistry registry, Style style, VoiceInfo base) {
        if (style.voice() != null) {
            return registry.resolve(style.voice());
        }
        if (style.voiceLanguages() != null && !style.voiceLanguages().isBlank()) {
            String first = style.voiceLanguages().trim().split("\\s+")[0];
            return EngineRegistry.languageMatches(base.language(), first) ? base : registry.resolveLanguage(first);
        }
        return base;
    }

    /**
     * Refuses, before anything speaks, a language a voice of the plan cannot speak: the request's (or, without one,
     * the document's) with {@code base}, and for each run of text the language it is spoken in (its element's
     * {@code xml:lang}, else that one) with the voice it is spoken with: the pairs the planner hands the engines.
     *
     * @param doc the document, or {@code null} for plain text
     * @throws dev.chorus.tts.InvalidInputException naming the field {@code language}
     */
    public static void checkLanguages(EngineRegistry registry, SsmlDocument doc, VoiceInfo base,
                                      String requestLanguage) {
        String language = requestLanguage != null || doc == null ? requestLanguage : doc.language();
        registry.checkLanguage(base, language);
        if (doc == null) {
            return;
        }
        java.util.Set<String> checked = new java.util.HashSet<>();
        for (Segment s : doc.segments()) {
            if (s instanceof Segment.Text t && !t.style().isSilent()) {
                String spoken = t.style().language() != null ? t.style().language() : language;
                if (spoken == null) {
                    continue;
                }
                VoiceInfo v = of(registry, t.style(), base);
                if (checked.add(v.id() + ' ' + spoken)) {
                    registry.checkLanguage(v, spoken);
                }
            }
        }
    }

    /**
     * Returns every voice other than {@code base} that {@code doc} switches to, keyed by the name the document
     * asks for it with ({@code <voice name>}, or its languages).
     *
     * @throws dev.chorus.tts.ChorusException when a named voice does not exist
     */
    public static Map<String, VoiceInfo> reached(EngineRegistry registry, SsmlDocument doc, VoiceInfo base) {
        Map<String, VoiceInfo> reached = new LinkedHashMap<>();
        for (Segment s : doc.segments()) {
            if (s instanceof Segment.Text t && !t.style().isSilent()) {
                Style style = t.style();
                String asked = style.voice() != null ? style.voice() : style.voiceLanguages();
                if (asked != null && !reached.containsKey(asked)) {
                    VoiceInfo v = of(registry, style, base);
                    if (!v.id().equals(base.id())) {
                        reached.put(asked, v);
                    }
                }
            }
        }
        return reached;
    }
}

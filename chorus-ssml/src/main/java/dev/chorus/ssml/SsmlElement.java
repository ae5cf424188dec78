package dev.chorus.ssml;

import java.util.Map;
import java.util.Set;

/** The SSML elements the parser understands, with the attributes each accepts. */
enum SsmlElement {
    SPEAK(Content.MIXED, true, Set.of("version", "onlangfailure"), Set.of()),
    PARAGRAPH(Content.MIXED, true, Set.of("onlangfailure"), Set.of()),
    SENTENCE(Content.MIXED, true, Set.of("onlangfailure"), Set.of()),
    BREAK(Content.EMPTY, false, Set.of("time", "strength"), Set.of()),
    PROSODY(Content.MIXED, false, Set.of("rate", "pitch", "volume"), Set.of("duration", "contour", "range")),
    SAY_AS(Content.TEXT, false, Set.of("interpret-as", "format", "detail"), Set.of()),
    SUB(Content.TEXT, false, Set.of("alias"), Set.of()),
    PHONEME(Content.TEXT, false, Set.of("ph", "alphabet"), Set.of()),
    VOICE(Content.MIXED, true, Set.of("name", "gender", "languages", "onlangfailure"),
            Set.of("age", "variant", "required", "ordering", "onvoicefailure")),
    LANG(Content.MIXED, true, Set.of("onlangfailure"), Set.of()),
    MARK(Content.EMPTY, false, Set.of("name"), Set.of()),
    EMPHASIS(Content.MIXED, false, Set.of("level"), Set.of()),
    AUDIO(Content.MIXED, false, Set.of("src", "fetchtimeout", "fetchhint", "maxage", "maxstale", "clipBegin",
            "clipEnd", "repeatCount", "repeatDur", "soundLevel", "speed"), Set.of()),
    DESC(Content.DISCARD, true, Set.of(), Set.of()),
    /** An element outside the SSML namespace: ignored, its content processed as if it were not there. */
    FOREIGN(Content.MIXED, false, Set.of(), Set.of());

    /** What an element may contain. */
    enum Content {
        /** Text and elements. */
        MIXED,
        /** Text only, spoken as one unit. */
        TEXT,
        /** Text only, not spoken. */
        DISCARD,
        /** Nothing but whitespace. */
        EMPTY
    }

    /** The SSML namespace. */
    static final String NAMESPACE = "http://www.w3.org/2001/10/synthesis";

    private static final Map<String, SsmlElement> BY_NAME = Map.ofEntries(
            Map.entry("speak", SPEAK), Map.entry("p", PARAGRAPH), Map.entry("paragraph", PARAGRAPH),
            Map.entry("s", SENTENCE), Map.entry("sentence", SENTENCE), Map.entry("break", BREAK),
            Map.entry("prosody", PROSODY), Map.entry("say-as", SAY_AS), Map.entry("sub", SUB),
            Map.entry("phoneme", PHONEME), Map.entry("voice", VOICE), Map.entry("lang", LANG),
            Map.entry("mark", MARK), Map.entry("emphasis", EMPHASIS), Map.entry("audio", AUDIO),
            Map.entry("desc", DESC));

    /** Names of the supported elements, for error messages. */
    static final String SUPPORTED = "speak, p, paragraph, s, sentence, break, prosody, say-as, sub, phoneme,"
            + " voice, lang, mark, emphasis, audio, desc";

    final Content content;
    final boolean allowsLang;
    final Set<String> attributes;
    final Set<String> ignoredAttributes;

    SsmlElement(Content content, boolean allowsLang, Set<String> attributes, Set<String> ignoredAttributes) {
        this.content = content;
        this.allowsLang = allowsLang;
        this.attributes = attributes;
        this.ignoredAttributes = ignoredAttributes;
    }

    /** Returns the SSML element with this local name, or {@code null}. */
    static SsmlElement byName(String localName) {
        return BY_NAME.get(localName);
    }

    /** Returns whether a namespace URI, as the XML parser reports it, is SSML's (no namespace counts as SSML). */
    static boolean isSsmlNamespace(String uri) {
        return uri == null || uri.isEmpty() || uri.equals(NAMESPACE);
    }
}

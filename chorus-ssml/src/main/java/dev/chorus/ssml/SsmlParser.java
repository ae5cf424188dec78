package dev.chorus.ssml;

import java.util.Objects;

/**
 * Parses SSML 1.1 documents into {@link SsmlDocument}s.
 *
 * <h2>Supported subset</h2>
 * The root must be {@code <speak>} (no namespace or the SSML namespace; {@code version} 1.0 or 1.1 if given).
 * Inside it: {@code <p>}/{@code <paragraph>}, {@code <s>}/{@code <sentence>}, {@code <break>},
 * {@code <prosody>}, {@code <say-as>}, {@code <sub>}, {@code <phoneme>}, {@code <voice>}, {@code <lang>},
 * {@code <mark>}, {@code <emphasis>}, {@code <audio>} and {@code <desc>}, with text anywhere the SSML content
 * model allows it. Comments and processing instructions are skipped.
 * <ul>
 *   <li>An unknown element in the SSML namespace (or in none) is an error naming it. An element in another
 *       namespace, such as a vendor extension, is ignored with a warning and its content read as if it were not
 *       there; nothing it refers to is fetched (so {@code <xi:include>} includes nothing).</li>
 *   <li>An attribute an element does not define is an error. {@code <prosody>}'s {@code duration},
 *       {@code contour} and {@code range}, and {@code <voice>}'s {@code age}, {@code variant}, {@code required},
 *       {@code ordering} and {@code onvoicefailure}, are accepted and ignored with a warning; attributes in other
 *       namespaces are ignored with a warning ({@code xsi:} and {@code xml:} ones silently, except
 *       {@code xml:lang}).</li>
 *   <li>{@code <p>} may not contain {@code <p>}, {@code <s>} may not contain {@code <p>} or {@code <s>};
 *       {@code <say-as>}, {@code <sub>}, {@code <phoneme>} and {@code <desc>} contain only text;
 *       {@code <break>} and {@code <mark>} are empty.</li>
 *   <li>{@code <audio>} is not fetched: its content, the fallback, is spoken, with a warning. {@code <desc>} is
 *       not spoken.</li>
 *   <li>{@code <phoneme alphabet>} is {@code ipa} (the default) or {@code x-sampa}, converted to IPA.</li>
 * </ul>
 *
 * <h2>Prosody</h2>
 * Values compose with the enclosing ones: rates multiply, pitch and volume shifts add, and {@code default}
 * resets. Labels are changes too, so {@code fast} inside {@code slow} is 1.25 &times; 0.75. Rate labels are
 * x-slow 0.5, slow 0.75, medium 1, fast 1.25, x-fast 1.75; {@code 150%} and {@code 1.5} mean 1.5 times,
 * {@code +20%} 1.2 times. Pitch labels are x-low -6, low -3, medium 0, high +3 and x-high +6 semitones; a change
 * is given in semitones ({@code +2st}), in percent ({@code +10%}: 12 log2(1.1) semitones) or in hertz, taken
 * against a {@value ProsodyValues#PITCH_BASE_HZ} Hz voice ({@code +50Hz}: 12 log2(250/200) semitones). Volume
 * labels are silent, x-soft -12, soft -6, medium 0, loud +6 and x-loud +10 dB; a change is given in decibels
 * ({@code -3dB}). A value that takes the result outside {@link Style}'s ranges is an error. {@code <emphasis>}
 * is approximated: strong is 0.9 times the rate and +3 dB, moderate (the default level) 0.95 times and +1.5 dB,
 * reduced 1.05 times and -2 dB, none no change; its result is kept within the ranges rather than rejected.
 *
 * <h2>Breaks</h2>
 * {@code time} ({@code 500ms}, {@code 2s}) wins over {@code strength} (none 0, x-weak 100, weak 250,
 * medium 400, strong 750, x-strong 1200 ms); {@code <break/>} alone is medium.
 *
 * <h2>Safety</h2>
 * Parsing uses the JDK's StAX parser with DTDs and external entities off; any DOCTYPE is rejected before parsing
 * starts, so only the five predefined entities and character references exist, and nothing outside the string is
 * ever read. {@link SsmlLimits} bound the document's length, nesting, element and attribute counts, mark names,
 * and the length of breaks alone and in all. Every problem, malformed XML included, is an
 * {@link dev.chorus.tts.InvalidInputException} on parameter {@code input} whose message starts with
 * {@code SSML line L, column C:}, except the length limit, which has no position.
 *
 * <p>Instances are immutable and thread-safe; build one and reuse it.
 */
public final class SsmlParser {

    private final SsmlLimits limits;

    /** Creates a parser with the {@linkplain SsmlLimits#defaults() default limits}. */
    public SsmlParser() {
        this(SsmlLimits.defaults());
    }

    /** Creates a parser with the given limits. */
    public SsmlParser(SsmlLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Returns the limits this parser enforces. */
    public SsmlLimits limits() {
        return limits;
    }

    /**
     * Parses an SSML document. A leading byte order mark is allowed; offsets in the result still count it.
     *
     * @param ssml the document
     * @return the document's plan
     * @throws dev.chorus.tts.InvalidInputException if the document is not well-formed XML, is not SSML this parser
     *                                              supports, or breaks a limit
     */
    public SsmlDocument parse(String ssml) {
        Objects.requireNonNull(ssml, "ssml");
        return new SsmlReader(limits, ssml).read();
    }

    /**
     * Returns whether {@code input} looks like an SSML document rather than plain text: after an optional byte
     * order mark, whitespace, XML declaration, comments and document type declaration, it starts with
     * {@code <speak} followed by whitespace, {@code >} or {@code /}. It says nothing about whether the document is
     * valid: a document with a DOCTYPE is recognized so that {@link #parse} rejects it, rather than its markup
     * being read aloud as text.
     */
    public static boolean looksLikeSsml(String input) {
        if (input == null) {
            return false;
        }
        int i = input.startsWith("\uFEFF") ? 1 : 0;
        int n = input.length();
        while (true) {
            while (i < n && Character.isWhitespace(input.charAt(i))) {
                i++;
            }
            if (input.startsWith("<?xml", i)) {
                int end = input.indexOf("?>", i + 5);
                if (end < 0) {
                    return false;
                }
                i = end + 2;
            } else if (input.startsWith("<!--", i)) {
                int end = input.indexOf("-->", i + 4);
                if (end < 0) {
                    return false;
                }
                i = end + 3;
            } else if (input.startsWith("<!DOCTYPE", i)) {
                i = doctypeEnd(input, i);
                if (i < 0) {
                    return false;
                }
            } else {
                break;
            }
        }
        if (!input.startsWith("<speak", i)) {
            return false;
        }
        int after = i + "<speak".length();
        if (after == n) {
            return true;
        }
        char c = input.charAt(after);
        return c == '>' || c == '/' || Character.isWhitespace(c);
    }

    /** Returns the offset just past the DOCTYPE declaration at {@code start}, or -1 if it does not end. */
    private static int doctypeEnd(String input, int start) {
        char quote = 0;
        int depth = 0;
        for (int i = start + "<!DOCTYPE".length(); i < input.length(); i++) {
            char c = input.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == '>' && depth <= 0) {
                return i + 1;
            }
        }
        return -1;
    }
}

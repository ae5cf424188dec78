package dev.chorus.server.openai;

import dev.chorus.service.ApiException;
import dev.chorus.service.SpeechInput;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.Pronunciation;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.TextOptions;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One {@code POST /v1/audio/speech} body, checked field by field so each mistake gets its own clear message.
 *
 * @param input        the text to speak
 * @param model        the model name, or {@code null}
 * @param voice        the voice name, or {@code null} for the default voice
 * @param format       the audio encoding
 * @param speed        the speaking rate
 * @param sse          whether the audio comes as server-sent events rather than raw bytes
 * @param sampleRate   the output rate (a Chorus extension), 0 for the voice's own
 * @param language     a BCP-47 tag for text normalization (a Chorus extension), or {@code null}
 * @param pitch        pitch change in semitones (a Chorus extension)
 * @param volume       gain in dB (a Chorus extension)
 * @param text         how the input is read: plain or SSML, normalization, lexicon (Chorus extensions)
 * @param marks        whether the response is speech marks (JSON lines of timings) instead of audio
 * @param timings      whether an SSE stream also carries {@code speech.timing} events
 * @param cache        whether the response may come from (and go to) the audio cache; false forces a fresh synthesis
 */
record SpeechRequest(String input, String model, String voice, AudioEncoding format, double speed, boolean sse,
                     int sampleRate, String language, double pitch, double volume, TextOptions text, boolean marks,
                     boolean timings, boolean cache, boolean quality) {

    /** The {@code response_format} that asks for speech marks instead of audio. */
    static final String SPEECH_MARKS = "json_marks";

    /** The rate of {@code pcm} when the request names none: OpenAI's raw PCM is 24 kHz, and clients assume it. */
    static final int OPENAI_PCM_RATE = 24_000;

    /** The deepest nesting of arrays and objects a body may have; a speech request needs three levels. */
    static final int MAX_NESTING = 32;

    /** The longest number a body may hold, in characters. */
    static final int MAX_NUMBER_CHARS = 100;

    /** Parses with limits, and refuses a field given twice rather than silently keeping one of the two. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_CHARS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    /** The longest body whose parsed request is kept for the next identical body. */
    static final int MAX_REMEMBERED_BODY = 2 * 1024;

    /**
     * Recently parsed bodies and what they said, so an identical body (the same text asked for again, which the audio
     * cache answers) is not parsed again: at most 1,024 bodies of at most {@value #MAX_REMEMBERED_BODY} bytes (with
     * what they parsed to, at most about 6 MiB). Only valid bodies are kept; a request is immutable, so it is shared.
     */
    private static final Cache<Body, SpeechRequest> RECENT = Caffeine.newBuilder().maximumSize(1024).build();

    /** A body's bytes as a map key: compared by content, its hash computed once. */
    private record Body(byte[] bytes, int hash) {
        Body(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Body b && b.hash == hash && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return bytes.length + " bytes";
        }
    }

    /**
     * Parses and checks a request body, which must be UTF-8; a small body identical to one parsed recently is not
     * parsed again.
     *
     * @throws ApiException (400) naming the field at fault
     */
    static SpeechRequest parse(byte[] body) {
        if (body.length > MAX_REMEMBERED_BODY) {
            return parse(utf8(body));
        }
        Body key = new Body(body);
        SpeechRequest known = RECENT.getIfPresent(key);
        if (known == null) {
            known = parse(utf8(body));
            RECENT.put(new Body(body.clone(), key.hash()), known); // A copy: the caller's array may be reused.
        }
        return known;
    }

    /**
     * Parses and checks a request body.
     *
     * @throws ApiException (400) naming the field at fault
     */
    static SpeechRequest parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("invalid_json", null, "request body: " + limit(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw ApiException.badRequest("invalid_json", null, "request body: not valid JSON ("
                    + firstClause(e.getOriginalMessage())
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("invalid_json", null,
                    "request body: " + (root == null ? "empty" : root.getNodeType().toString().toLowerCase(Locale.ROOT))
                            + " (expected: a JSON object such as"
                            + " {\"model\":\"tts-1\",\"input\":\"Hello\",\"voice\":\"alloy\"})");
        }
        String input = string(root, "input");
        if (input == null) {
            throw ApiException.badRequest("missing_required_parameter", "input",
                    "input: missing (expected: the text to speak)");
        }
        string(root, "instructions"); // Accepted for compatibility and ignored: no Chorus voice takes a style prompt.
        String f = string(root, "response_format");
        boolean marks = f != null && f.trim().equalsIgnoreCase(SPEECH_MARKS);
        boolean sse = sse(root);
        if (marks && sse) {
            throw ApiException.badRequest("invalid_value", "stream_format", "stream_format: 'sse' with "
                    + "response_format 'json_marks' (expected: stream_format 'audio'; SSE carries timings itself "
                    + "with \"timings\": true)");
        }
        AudioEncoding format = marks ? AudioEncoding.PCM : format(f);
        int rate = sampleRate(root);
        if (rate == 0 && format == AudioEncoding.PCM && !marks) {
            rate = OPENAI_PCM_RATE; // Headerless: clients cannot learn the rate, and OpenAI's is 24 kHz.
        }
        return new SpeechRequest(input, string(root, "model"), voice(root), format,
                speed(root), sse, rate, string(root, "language"),
                number(root, "pitch", SynthesisOptions.MIN_PITCH, SynthesisOptions.MAX_PITCH, "semitones"),
                number(root, "volume", SynthesisOptions.MIN_VOLUME, SynthesisOptions.MAX_VOLUME, "dB"),
                textOptions(root), marks, bool(root, "timings", false), bool(root, "cache", true),
                bool(root, "quality", false));
    }

    /** Returns the request as the speech pipeline takes it; the deadline is the server's. */
    SpeechInput toInput() {
        return new SpeechInput(input, "input", model, voice, new SynthesisOptions(speed, language, pitch, volume),
                format, sampleRate, text, null, !cache || quality);
    }

    private static TextOptions textOptions(JsonNode root) {
        String format = string(root, "input_format");
        TextOptions.Format f = format == null ? TextOptions.Format.AUTO : parseFormat(format);
        boolean normalize = bool(root, "normalize", true);
        JsonNode lex = root.get("lexicon");
        List<Pronunciation> entries = new ArrayList<>();
        if (lex != null && !lex.isNull()) {
            if (!lex.isArray()) {
                throw ApiException.badRequest("invalid_type", "lexicon", "lexicon: " + abbreviate(lex)
                        + " (expected: an array of {\"grapheme\" or \"regex\", \"alias\" or \"phoneme\"})");
            }
            for (int i = 0; i < lex.size(); i++) {
                entries.add(pronunciation(lex.get(i), "lexicon[" + i + "]"));
            }
        }
        try {
            return new TextOptions(f, normalize, entries);
        } catch (InvalidInputException e) {
            throw ApiException.badRequest("invalid_value", e.param(), e.getMessage());
        }
    }

    private static TextOptions.Format parseFormat(String format) {
        try {
            return TextOptions.Format.parse(format);
        } catch (InvalidInputException e) {
            throw ApiException.badRequest("invalid_value", "input_format", e.getMessage());
        }
    }

    private static Pronunciation pronunciation(JsonNode e, String name) {
        if (e == null || !e.isObject()) {
            throw ApiException.badRequest("invalid_type", name, name + ": " + abbreviate(e)
                    + " (expected: an object with \"grapheme\" or \"regex\", and \"alias\" or \"phoneme\")");
        }
        String grapheme = string(e, "grapheme", name + ".grapheme");
        String regex = string(e, "regex", name + ".regex");
        if ((grapheme == null) == (regex == null)) {
            throw ApiException.badRequest("invalid_value", name, name + ": " + abbreviate(e)
                    + " (expected: exactly one of \"grapheme\" and \"regex\")");
        }
        try {
            return new Pronunciation(grapheme != null ? grapheme : regex, regex != null,
                    string(e, "alias", name + ".alias"), string(e, "phoneme", name + ".phoneme"));
        } catch (InvalidInputException ex) {
            throw ApiException.badRequest("invalid_value", name, name + ": " + ex.getMessage()
                    .replaceFirst("^lexicon: ", ""));
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static double number(JsonNode root, String field, double min, double max, String unit) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isNumber() || !(v.doubleValue() >= min && v.doubleValue() <= max)) {
            throw ApiException.badRequest(v.isNumber() ? "invalid_value" : "invalid_type", field, field + ": "
                    + abbreviate(v) + " (expected: a number from " + min + " to " + max + " " + unit + ")");
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode root, String field, boolean dflt) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("invalid_type", field, field + ": " + abbreviate(v)
                    + " (expected: true or false)");
        }
        return v.booleanValue();
    }

    /** Decodes a body as UTF-8, refusing malformed bytes rather than replacing them. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            ByteBuffer in = ByteBuffer.wrap(body); // Decoded again, to say where the first bad byte is.
            StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(body.length), true);
            throw ApiException.badRequest("invalid_encoding", null, "request body: not valid UTF-8 (at byte "
                    + in.position() + "; expected: JSON in UTF-8)");
        }
    }

    /** Says which parser limit a body went past, with the limit. */
    private static String limit(String message) {
        String m = message == null ? "" : message;
        if (m.contains("nesting depth")) {
            return "nested deeper than " + MAX_NESTING + " levels (expected: a JSON object such as"
                    + " {\"input\":\"Hello\",\"voice\":\"alloy\"})";
        }
        if (m.contains("Number value length")) {
            return "a number longer than " + MAX_NUMBER_CHARS + " characters";
        }
        return "past a parser limit (" + firstClause(m) + ")";
    }

    /** Returns a parser message without its source excerpt, which only repeats the client's own input. */
    private static String firstClause(String message) {
        String m = message == null ? "syntax error" : message;
        for (String cut : new String[] {" (start marker", "\n", " at [Source"}) {
            int i = m.indexOf(cut);
            if (i > 0) {
                m = m.substring(0, i);
            }
        }
        return m;
    }

    private static String voice(JsonNode root) {
        JsonNode v = root.get("voice");
        // OpenAI also accepts {"id": "..."} for custom voices.
        if (v != null && v.isObject()) {
            return string(v, "id", "voice.id");
        }
        return string(root, "voice");
    }

    private static AudioEncoding format(String f) {
        if (f == null) {
            return AudioEncoding.MP3;
        }
        try {
            return AudioEncoding.parse(f);
        } catch (InvalidInputException e) {
            throw ApiException.badRequest("invalid_value", "response_format", "response_format: '" + f
                    + "' (expected one of: " + java.util.Arrays.stream(AudioEncoding.values()).map(AudioEncoding::id)
                    .collect(java.util.stream.Collectors.joining(", ")) + ", " + SPEECH_MARKS + ")");
        }
    }

    private static double speed(JsonNode root) {
        JsonNode s = root.get("speed");
        if (s == null || s.isNull()) {
            return 1.0;
        }
        if (!s.isNumber()) {
            throw ApiException.badRequest("invalid_type", "speed", "speed: " + s + " (expected: a number from "
                    + SynthesisOptions.MIN_SPEED + " to " + SynthesisOptions.MAX_SPEED + ")");
        }
        double d = s.doubleValue();
        if (!(d >= SynthesisOptions.MIN_SPEED && d <= SynthesisOptions.MAX_SPEED)) {
            throw ApiException.badRequest("invalid_value", "speed", "speed: " + s.asText() + " (expected: "
                    + SynthesisOptions.MIN_SPEED + " to " + SynthesisOptions.MAX_SPEED + ")");
        }
        return d;
    }

    private static boolean sse(JsonNode root) {
        String f = string(root, "stream_format");
        if (f == null || f.equalsIgnoreCase("audio")) {
            return false;
        }
        if (f.equalsIgnoreCase("sse")) {
            return true;
        }
        throw ApiException.badRequest("invalid_value", "stream_format", "stream_format: '" + f
                + "' (expected: audio or sse)");
    }

    private static int sampleRate(JsonNode root) {
        JsonNode r = root.get("sample_rate");
        if (r == null || r.isNull()) {
            return 0;
        }
        if (!r.canConvertToInt() || !r.isIntegralNumber() || r.intValue() < 0) {
            throw ApiException.badRequest("invalid_type", "sample_rate", "sample_rate: " + r
                    + " (expected: 8000, 11025, 16000, 22050, 24000, 32000, 44100 or 48000)");
        }
        return r.intValue();
    }

    private static String string(JsonNode node, String field) {
        return string(node, field, field);
    }

    private static String string(JsonNode node, String field, String name) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("invalid_type", name, name + ": " + abbreviate(v) + " (expected: a string)");
        }
        String s = v.textValue();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.badRequest("invalid_value", name, name + ": an unpaired surrogate (\\u"
                        + Integer.toHexString(c) + ") at character " + i + " (expected: Unicode text)");
            }
        }
        return s;
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisOptions;

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
 */
record SpeechRequest(String input, String model, String voice, AudioEncoding format, double speed, boolean sse,
                     int sampleRate, String language) {

    /** Formats OpenAI offers that Chorus cannot write yet. */
    static final List<String> PLANNED_FORMATS = List.of("mp3", "opus", "aac", "flac");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses and checks a request body.
     *
     * @throws ApiException (400) naming the field at fault
     */
    static SpeechRequest parse(String body, int maxInputChars) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", null, "request body: not valid JSON ("
                    + firstClause(e.getOriginalMessage()) + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
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
        if (input.length() > maxInputChars) {
            throw ApiException.badRequest("input_too_long", "input", "input: " + input.length()
                    + " characters (expected: at most " + maxInputChars + ")");
        }
        string(root, "instructions"); // Accepted for compatibility and ignored: no Chorus voice takes a style prompt.
        return new SpeechRequest(input, string(root, "model"), voice(root), format(root), speed(root), sse(root),
                sampleRate(root), string(root, "language"));
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

    private static AudioEncoding format(JsonNode root) {
        String f = string(root, "response_format");
        if (f == null) {
            return AudioEncoding.WAV;
        }
        String n = f.trim().toLowerCase(Locale.ROOT);
        if (PLANNED_FORMATS.contains(n)) {
            throw ApiException.badRequest("unsupported_value", "response_format", "response_format: '" + f
                    + "' is not supported yet (expected: wav or pcm)");
        }
        try {
            return AudioEncoding.parse(n);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("invalid_value", "response_format", "response_format: '" + f
                    + "' (expected: wav or pcm)");
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
            throw ApiException.badRequest("invalid_type", name, name + ": " + v + " (expected: a string)");
        }
        return v.textValue();
    }
}

package dev.chorus.engine.piper.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A voice's {@code NAME.onnx.json}, as far as synthesis needs it, checked field by field.
 *
 * @param sampleRate    {@code audio.sample_rate}
 * @param hopLength     {@code audio.hop_length} (samples per duration frame), default 256
 * @param phonemeType   {@code phoneme_type}
 * @param espeakVoice   {@code espeak.voice}, or {@code null} for a text voice
 * @param noiseScale    {@code inference.noise_scale}
 * @param lengthScale   {@code inference.length_scale}
 * @param noiseW        {@code inference.noise_w}
 * @param phonemeIds    {@code phoneme_id_map}: code point to ids
 * @param phonemeMap    {@code phoneme_map}: code point to the code points that replace it
 * @param numSymbols    {@code num_symbols}, or 0 when absent
 * @param numSpeakers   {@code num_speakers}
 * @param speakers      {@code speaker_id_map}, in file order
 * @param language      a BCP-47 tag from {@code language.code}, else from {@code espeak.voice}
 * @param dataset       {@code dataset}, or {@code null}
 */
record VoiceConfig(int sampleRate, int hopLength, PhonemeType phonemeType, String espeakVoice, float noiseScale,
                   float lengthScale, float noiseW, Map<Integer, long[]> phonemeIds, Map<Integer, int[]> phonemeMap,
                   int numSymbols, int numSpeakers, Map<String, Integer> speakers, String language,
                   String dataset) {

    /** How a voice turns text into phonemes. */
    enum PhonemeType { ESPEAK, TEXT }

    static final int PAD = '_';
    static final int BOS = '^';
    static final int EOS = '$';

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A problem with one field of the config; the message names the field. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * Parses a config.
     *
     * @throws Invalid naming the field at fault and what it should hold
     */
    static VoiceConfig parse(byte[] json) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new Invalid("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        } catch (java.io.IOException e) {
            throw new Invalid("unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("expected a JSON object");
        }
        int sampleRate = integer(root.path("audio").path("sample_rate"), "audio.sample_rate", null, 1);
        int hopLength = integer(root.path("audio").path("hop_length"), "audio.hop_length", 256, 1);

        String typeName = text(root.path("phoneme_type"), "phoneme_type", "espeak");
        PhonemeType type = switch (typeName) {
            case "espeak" -> PhonemeType.ESPEAK;
            case "text" -> PhonemeType.TEXT;
            default -> throw new Invalid("phoneme_type: '" + typeName + "' (expected: espeak or text)");
        };
        String espeakVoice = text(root.path("espeak").path("voice"), "espeak.voice", null);
        if (type == PhonemeType.ESPEAK && espeakVoice == null) {
            throw new Invalid("espeak.voice: missing (expected: the eSpeak NG voice the model was trained with, "
                    + "e.g. \"en-us\")");
        }

        JsonNode inference = root.path("inference");
        float noiseScale = number(inference.path("noise_scale"), "inference.noise_scale", 0.667f, 0);
        float lengthScale = number(inference.path("length_scale"), "inference.length_scale", 1f, Float.MIN_VALUE);
        float noiseW = number(inference.path("noise_w"), "inference.noise_w", 0.8f, 0);

        int numSymbols = integer(root.path("num_symbols"), "num_symbols", 0, 1);
        Map<Integer, long[]> ids = phonemeIds(root.path("phoneme_id_map"), numSymbols);
        Map<Integer, int[]> phonemeMap = phonemeMap(root.path("phoneme_map"));

        int numSpeakers = integer(root.path("num_speakers"), "num_speakers", 1, 1);
        Map<String, Integer> speakers = new LinkedHashMap<>();
        JsonNode speakerNode = root.path("speaker_id_map");
        if (!speakerNode.isMissingNode() && !speakerNode.isNull()) {
            if (!speakerNode.isObject()) {
                throw new Invalid("speaker_id_map: expected an object of speaker name to id");
            }
            for (Map.Entry<String, JsonNode> e : speakerNode.properties()) {
                int id = integer(e.getValue(), "speaker_id_map." + e.getKey(), null, 0);
                if (id >= numSpeakers) {
                    throw new Invalid("speaker_id_map." + e.getKey() + ": " + id + " (expected: below num_speakers "
                            + numSpeakers + ")");
                }
                if (e.getKey().isBlank() || e.getKey().contains("@")) {
                    throw new Invalid("speaker_id_map: speaker name '" + e.getKey()
                            + "' (expected: not blank, no '@')");
                }
                speakers.put(e.getKey(), id);
            }
        }

        String code = text(root.path("language").path("code"), "language.code", null);
        String language = languageTag(code != null ? code : espeakVoice);
        String dataset = text(root.path("dataset"), "dataset", null);
        return new VoiceConfig(sampleRate, hopLength, type, espeakVoice, noiseScale, lengthScale, noiseW, ids,
                phonemeMap, numSymbols, numSpeakers, Map.copyOf(speakers), language, dataset);
    }

    /** Returns the largest id in the phoneme id map. */
    long maxId() {
        long max = 0;
        for (long[] v : phonemeIds.values()) {
            for (long id : v) {
                max = Math.max(max, id);
            }
        }
        return max;
    }

    /** Returns the phoneme (as text) whose ids include {@code id}, for messages. */
    String phonemeOf(long id) {
        for (Map.Entry<Integer, long[]> e : phonemeIds.entrySet()) {
            for (long v : e.getValue()) {
                if (v == id) {
                    return Character.toString(e.getKey());
                }
            }
        }
        return "?";
    }

    private static Map<Integer, long[]> phonemeIds(JsonNode node, int numSymbols) throws Invalid {
        if (node.isMissingNode() || node.isNull()) {
            throw new Invalid("phoneme_id_map: missing (expected: an object of phoneme to a list of ids)");
        }
        if (!node.isObject()) {
            throw new Invalid("phoneme_id_map: expected an object of phoneme to a list of ids");
        }
        Map<Integer, long[]> ids = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            String field = "phoneme_id_map." + key;
            if (key.codePointCount(0, key.length()) != 1) {
                throw new Invalid(field + ": a phoneme must be one code point (got " + key.codePointCount(0,
                        key.length()) + ")");
            }
            JsonNode list = e.getValue();
            if (!list.isArray() || list.isEmpty()) {
                throw new Invalid(field + ": expected a non-empty list of ids");
            }
            long[] values = new long[list.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode v = list.get(i);
                if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
                    throw new Invalid(field + ": '" + v + "' (expected: ids >= 0)");
                }
                values[i] = v.asLong();
                if (numSymbols > 0 && values[i] >= numSymbols) {
                    throw new Invalid(field + ": id " + values[i] + " (expected: below num_symbols " + numSymbols
                            + ")");
                }
            }
            ids.put(key.codePointAt(0), values);
        }
        for (int required : new int[] {PAD, BOS, EOS}) {
            if (!ids.containsKey(required)) {
                throw new Invalid("phoneme_id_map: no entry for '" + Character.toString(required)
                        + "' (expected: pad '_', start '^' and end '$')");
            }
        }
        return Map.copyOf(ids);
    }

    private static Map<Integer, int[]> phonemeMap(JsonNode node) throws Invalid {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new Invalid("phoneme_map: expected an object of phoneme to a list of phonemes");
        }
        Map<Integer, int[]> map = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String field = "phoneme_map." + e.getKey();
            if (e.getKey().codePointCount(0, e.getKey().length()) != 1 || !e.getValue().isArray()) {
                throw new Invalid(field + ": expected one phoneme mapped to a list of phonemes");
            }
            StringBuilder to = new StringBuilder();
            for (JsonNode v : e.getValue()) {
                if (!v.isTextual()) {
                    throw new Invalid(field + ": '" + v + "' (expected: phonemes as strings)");
                }
                to.append(v.asText());
            }
            map.put(e.getKey().codePointAt(0), to.codePoints().toArray());
        }
        return Map.copyOf(map);
    }

    private static int integer(JsonNode node, String field, Integer fallback, int min) throws Invalid {
        if (node.isMissingNode() || node.isNull()) {
            if (fallback == null) {
                throw new Invalid(field + ": missing (expected: an integer >= " + min + ")");
            }
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min) {
            throw new Invalid(field + ": " + node + " (expected: an integer >= " + min + ")");
        }
        return node.asInt();
    }

    private static float number(JsonNode node, String field, float fallback, float min) throws Invalid {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || !Double.isFinite(node.asDouble()) || node.asDouble() < min) {
            throw new Invalid(field + ": " + node + " (expected: a number " + (min > 0 ? "> 0" : ">= 0") + ")");
        }
        return (float) node.asDouble();
    }

    private static String text(JsonNode node, String field, String fallback) throws Invalid {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new Invalid(field + ": " + node + " (expected: a non-empty string)");
        }
        return node.asText().strip();
    }

    private static String languageTag(String code) throws Invalid {
        if (code == null) {
            throw new Invalid("language.code: missing, and no espeak.voice either (expected: e.g. \"en_US\")");
        }
        String tag = code.replace('_', '-');
        try {
            Locale locale = new Locale.Builder().setLanguageTag(tag).build();
            if (!locale.getLanguage().isEmpty()) {
                return locale.toLanguageTag();
            }
        } catch (IllformedLocaleException e) {
            // eSpeak names such as "cmn-latn-pinyin" are tags; others, such as "en-gb-x-rp", may need trimming
        }
        String primary = tag.split("-")[0];
        try {
            Locale locale = new Locale.Builder().setLanguage(primary).build();
            return locale.toLanguageTag();
        } catch (IllformedLocaleException e) {
            throw new Invalid("language.code: '" + code + "' (expected: a language code such as en_US)");
        }
    }
}

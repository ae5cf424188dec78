package dev.chorus.engine.piper.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Piper voices sherpa-onnx publishes ({@code vits-piper-*}): the model carries its settings as metadata
 * ({@code model_type=vits}, {@code comment=piper}, {@code sample_rate}, {@code voice}, {@code n_speakers}) and its
 * phoneme ids in {@code tokens.txt} ({@code SYMBOL ID} per line) instead of a {@code .onnx.json}. This builds the
 * equivalent config, read as sherpa-onnx reads them, with Piper's default inference scales.
 */
final class SherpaVits {

    private SherpaVits() {
    }

    /**
     * Returns the {@code .onnx.json} equivalent of a sherpa-onnx Piper model.
     *
     * @throws VoiceConfig.Invalid naming the metadata or the line of tokens.txt at fault
     */
    static byte[] config(Map<String, String> metadata, byte[] tokens) throws VoiceConfig.Invalid {
        String kind = metadata.getOrDefault("comment", "");
        if (!kind.equals("piper")) {
            throw new VoiceConfig.Invalid("a sherpa-onnx VITS model of kind '" + kind + "' (expected: a Piper export,"
                    + " metadata comment=piper; other VITS models are not supported)");
        }
        Map<String, Object> ids = new LinkedHashMap<>();
        String[] lines = new String(tokens, StandardCharsets.UTF_8).split("\n");
        long max = 0;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            if (line.isEmpty()) {
                continue;
            }
            int cut = line.lastIndexOf(' ');
            String symbol = cut < 0 ? "" : cut == 0 ? " " : line.substring(0, cut);
            long id;
            try {
                id = Long.parseLong(line.substring(cut + 1).strip());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (symbol.codePointCount(0, symbol.length()) != 1 || id < 0) {
                throw new VoiceConfig.Invalid("tokens.txt line " + (n + 1) + ": '" + line
                        + "' (expected: one symbol, a space and an id >= 0)");
            }
            ids.put(symbol, List.of(id));
            max = Math.max(max, id);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("audio", Map.of("sample_rate", parse(metadata, "sample_rate", "22050")));
        String voice = metadata.getOrDefault("voice", "en-us");
        root.put("espeak", Map.of("voice", voice));
        root.put("inference", Map.of("noise_scale", 0.667, "length_scale", 1.0, "noise_w", 0.8));
        root.put("phoneme_type", "espeak");
        root.put("phoneme_id_map", ids);
        root.put("num_symbols", max + 1);
        root.put("num_speakers", parse(metadata, "n_speakers", "1"));
        try {
            return new ObjectMapper().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int parse(Map<String, String> metadata, String key, String fallback) throws VoiceConfig.Invalid {
        String v = metadata.getOrDefault(key, fallback).strip();
        try {
            return Math.max(1, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw new VoiceConfig.Invalid("metadata " + key + ": '" + v + "' (expected: an integer)");
        }
    }
}

package dev.chorus.asr.paraformer.internal;

import dev.chorus.tts.EngineUnavailableException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The recognizer's settings (keys without the {@code backcheck.paraformer.} prefix): {@code dir} (required: the
 * model directory), {@code model} (the file in it; default {@code model.int8.onnx} when present, else
 * {@code model.onnx}), {@code languages} (comma-separated primary language tags; default {@code zh}) and
 * {@code threads} (ONNX Runtime threads per run; default 1).
 *
 * @param model     the model file
 * @param tokens    the vocabulary beside it
 * @param languages the primary languages it understands
 * @param threads   intra-op threads per run
 */
record ParaformerSettings(Path model, Path tokens, Set<String> languages, int threads) {

    static final String PREFIX = "backcheck.paraformer.";
    private static final Set<String> KEYS = Set.of("dir", "model", "languages", "threads");

    /**
     * Reads and checks the settings.
     *
     * @throws IllegalArgumentException   for an unknown key or a malformed value, naming it
     * @throws EngineUnavailableException when the directory or a file in it is missing, naming the setting
     */
    static ParaformerSettings parse(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(PREFIX + key + ": unknown setting (expected one of: " + PREFIX
                        + "dir, " + PREFIX + "model, " + PREFIX + "languages, " + PREFIX + "threads)");
            }
        }
        String dirSetting = settings.get("dir");
        if (dirSetting == null || dirSetting.isBlank()) {
            throw new EngineUnavailableException("Paraformer needs its model: set " + PREFIX + "dir to a directory "
                    + "with model.onnx (or model.int8.onnx) and tokens.txt, as sherpa-onnx publishes them");
        }
        Path dir = Path.of(dirSetting.strip());
        if (!Files.isDirectory(dir)) {
            throw new EngineUnavailableException(PREFIX + "dir: " + dir + " is not a directory (expected: a "
                    + "Paraformer model directory with model.onnx and tokens.txt)");
        }
        Path model;
        if (settings.containsKey("model")) {
            model = dir.resolve(settings.get("model").strip());
        } else {
            model = Files.isRegularFile(dir.resolve("model.int8.onnx")) ? dir.resolve("model.int8.onnx")
                    : dir.resolve("model.onnx");
        }
        if (!Files.isRegularFile(model)) {
            throw new EngineUnavailableException(PREFIX + "dir: " + model + " is missing (expected: model.onnx or "
                    + "model.int8.onnx, or name the file with " + PREFIX + "model)");
        }
        Path tokens = dir.resolve("tokens.txt");
        if (!Files.isRegularFile(tokens)) {
            throw new EngineUnavailableException(PREFIX + "dir: " + tokens + " is missing (expected: the model's "
                    + "tokens.txt beside it)");
        }
        Set<String> languages = new LinkedHashSet<>();
        for (String tag : settings.getOrDefault("languages", "zh").split(",")) {
            if (!tag.isBlank()) {
                languages.add(primary(tag));
            }
        }
        if (languages.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "languages: '" + settings.get("languages")
                    + "' (expected: language tags such as zh or zh,en)");
        }
        int threads;
        try {
            threads = Integer.parseInt(settings.getOrDefault("threads", "1").strip());
        } catch (NumberFormatException e) {
            threads = 0;
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException(PREFIX + "threads: '" + settings.get("threads")
                    + "' (expected: 1 to 64)");
        }
        return new ParaformerSettings(model, tokens, Set.copyOf(languages), threads);
    }

    /** Returns the primary language of a BCP 47 tag, lower case: {@code zh-CN} is {@code zh}. */
    static String primary(String tag) {
        return tag.strip().toLowerCase(Locale.ROOT).replace('_', '-').split("-")[0];
    }
}

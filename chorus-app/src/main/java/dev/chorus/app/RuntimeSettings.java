package dev.chorus.app;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SentenceCache;
import dev.chorus.runtime.Synthesizer;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;

import static dev.chorus.app.SettingTable.ALIAS_KEY;
import static dev.chorus.app.SettingTable.ENGINE_KEY;
import static dev.chorus.app.SettingTable.LANGUAGE_KEY;

/**
 * Builds the runtime from the settings: the engine registry (enabled engines, workers, engine settings, the
 * default voice, aliases and language defaults) and the synthesizer (limits, sentence cache, lexicons).
 */
final class RuntimeSettings {

    private final SourcedSettings s;

    RuntimeSettings(SourcedSettings settings) {
        this.s = settings;
    }

    /** Returns the engine registry these settings describe (not yet opened). */
    EngineRegistry.Builder registry() {
        EngineRegistry.Builder b = EngineRegistry.builder();
        String voice = s.string("engines.default-voice");
        if (s.has("engines.enabled")) {
            List<String> ids = s.list("engines.enabled");
            b.enabledEngines(Set.copyOf(ids));
            if ("default".equals(s.source("engines.default-voice"))
                    && !ids.contains(voice.substring(0, voice.indexOf(':')))) {
                voice = null; // The built-in default's engine is off: take the first voice of the open engines.
            }
        }
        String defaultVoice = voice;
        s.guard("engines.default-voice", () -> b.defaultVoice(defaultVoice));
        if (s.has("engines.workers")) {
            s.guard("engines.workers", () -> b.defaultWorkers(s.integer("engines.workers")));
        }
        for (String key : s.keys()) {
            Matcher m = ENGINE_KEY.matcher(key);
            if (!m.matches() || key.equals("engines.default-voice") || key.equals("engines.enabled")
                    || key.equals("engines.workers")) {
                continue;
            }
            if (m.group(2).equals("workers")) {
                s.guard(key, () -> b.workers(m.group(1), s.integer(key)));
            } else if (s.value(key) instanceof List<?> l && m.group(2).equals("voices")) {
                // A YAML list of voice folders becomes the engine's path-separated list.
                b.setting(m.group(1) + "." + m.group(2),
                        String.join(File.pathSeparator, l.stream().map(String::valueOf).toList()));
            } else {
                b.setting(m.group(1) + "." + m.group(2), s.string(key));
            }
        }
        if (s.has("voices.dirs")) {
            // Shared by every ONNX engine: passed to each as the engine setting of the same name.
            b.setting("voices.dirs", String.join(File.pathSeparator, s.list("voices.dirs")));
        }
        for (String key : s.keys()) {
            Matcher a = ALIAS_KEY.matcher(key);
            Matcher l = LANGUAGE_KEY.matcher(key);
            if (a.matches()) {
                s.guard(key, () -> b.alias(a.group(1), s.list(key)));
            } else if (l.matches()) {
                s.guard(key, () -> b.languageDefault(l.group(1), s.list(key)));
            }
        }
        return b;
    }

    /** Applies the synthesis limits to a synthesizer builder. */
    Synthesizer.Builder synthesizer(EngineRegistry registry) {
        Synthesizer.Builder b = Synthesizer.builder().registry(registry);
        s.guard("limits.request-timeout", () -> b.defaultTimeout(s.duration("limits.request-timeout")));
        s.guard("limits.max-pending-per-worker", () -> b.maxPendingPerWorker(
                s.integer("limits.max-pending-per-worker")));
        s.guard("limits.admission-wait", () -> b.admissionWait(s.duration("limits.admission-wait")));
        s.guard("limits.max-queue-wait", () -> b.maxQueueWait(s.duration("limits.max-queue-wait")));
        s.guard("limits.max-queue-wait-ratio", () -> b.maxQueueWaitRatio(ratio(s.string("limits.max-queue-wait-ratio"))));
        s.guard("limits.max-input-chars", () -> b.maxInputChars(s.integer("limits.max-input-chars")));
        if (s.guard("cache.enabled", () -> s.flag("cache.enabled"))) {
            long sentences = s.guard("cache.sentence.max-bytes", () -> s.bytes("cache.sentence.max-bytes"));
            if (sentences > 0) {
                s.guard("cache.sentence.max-bytes", () -> b.sentenceCache(SentenceCache.ofMaxBytes(sentences)));
            }
        }
        if (s.has("text.lexicons")) {
            for (String f : s.list("text.lexicons")) {
                s.guard("text.lexicons", () -> b.lexicon(Lexicons.load(Path.of(f))));
            }
        }
        return b;
    }

    /** Parses a non-negative decimal number such as {@code 1} or {@code 0.5}. */
    private static double ratio(String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' (expected: a number >= 0, such as 1 or 0.5)");
        }
    }
}

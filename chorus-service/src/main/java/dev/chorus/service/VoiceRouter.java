package dev.chorus.service;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SsmlVoices;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Routes the voice and model names clients send to installed voices: Chorus voice ids, an engine's own voice
 * names, and aliases such as OpenAI's {@code alloy}. Each alias stands for its first installed candidate that
 * has not failed to load, looked up on every request (voices come and go), or for the default voice when none
 * is installed, so an alias never fails.
 */
public final class VoiceRouter {

    /** OpenAI model names, accepted with any voice. */
    public static final List<String> OPENAI_MODELS = List.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts");

    /**
     * OpenAI's dated snapshots of those models: {@code gpt-4o-mini-tts-2025-03-20} (a date) or {@code tts-1-1106}
     * (a month and day), accepted as their model.
     */
    private static final java.util.regex.Pattern OPENAI_SNAPSHOT = java.util.regex.Pattern.compile(
            "(tts-1|tts-1-hd|gpt-4o-mini-tts)-(\\d{4}-\\d{2}-\\d{2}|\\d{4})");

    /** Tells whether {@code model} is one of OpenAI's TTS model names or a dated snapshot of one, ignoring case. */
    public static boolean isOpenAiModel(String model) {
        if (model == null) {
            return false;
        }
        String m = model.trim().toLowerCase(Locale.ROOT);
        return OPENAI_MODELS.contains(m) || OPENAI_SNAPSHOT.matcher(m).matches();
    }

    /** Tells whether {@code model} is a name {@link #resolve} accepts: an OpenAI model or snapshot, or an engine id. */
    public boolean isModel(String model) {
        return isOpenAiModel(model) || model != null && registry.engines().containsKey(model.trim());
    }

    private static final System.Logger LOG = System.getLogger(VoiceRouter.class.getName());

    private final EngineRegistry registry;
    private final Map<String, List<String>> candidates;

    /**
     * Creates a router over the voices of {@code registry}, with alias names (each standing for its first
     * installed candidate) in addition to the registry's own.
     */
    public VoiceRouter(EngineRegistry registry, Map<String, List<String>> candidates) {
        this.registry = registry;
        Map<String, List<String>> sorted = new TreeMap<>();
        // The registry's own aliases (voices.aliases.*) first; the server's (OpenAI names) win on a clash.
        registry.aliases().forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        candidates.forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        this.candidates = Collections.unmodifiableMap(sorted);
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            // Resolving every alias needs the default voice; a program that opened only some engines may lack it.
            try {
                aliases().forEach((name, v) -> LOG.log(System.Logger.Level.DEBUG, "voice alias ''{0}'' -> {1}",
                        name, v.id()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "voice aliases not resolved: {0}", e.getMessage());
            }
        }
    }

    private VoiceInfo aliasTarget(String name) {
        List<String> chain = candidates.get(name);
        if (chain == null) {
            return null;
        }
        Map<String, String> failed = registry.failures();
        for (String id : chain) {
            try {
                VoiceInfo v = registry.resolve(id);
                if (!failed.containsKey(v.id())) {
                    return v;
                }
            } catch (RuntimeException notInstalled) {
                // Try the next candidate.
            }
        }
        return registry.resolve(null);
    }

    /**
     * Returns what an engine runs on (library, version, and for piper the ONNX Runtime execution provider, cpu or
     * cuda), for an engine id; empty for other names.
     */
    public Optional<String> engineDescription(String id) {
        return Optional.ofNullable(registry.engines().get(id)).map(e -> e.description());
    }

    /**
     * Returns every voice a prepared request reaches besides its own: those its SSML switches to with
     * {@code <voice>}, keyed by the name the document used. Empty for plain text.
     */
    public Map<String, VoiceInfo> voicesReached(PreparedSpeech speech) {
        return speech.parsed().isSsml() ? SsmlVoices.reached(registry, speech.parsed().ssml(), speech.voice())
                : Map.of();
    }

    /**
     * Refuses a prepared request whose voices cannot speak its languages (the request's, the document's, an
     * element's), as their engines would refuse them at synthesis.
     *
     * @throws dev.chorus.tts.InvalidInputException naming the field {@code language}
     */
    public void checkLanguages(PreparedSpeech speech) {
        SsmlVoices.checkLanguages(registry, speech.parsed().isSsml() ? speech.parsed().ssml() : null, speech.voice(),
                speech.input().options().language());
    }

    /** Returns the voices that failed to load, with the reasons. */
    public Map<String, String> failures() {
        return registry.failures();
    }

    /** Returns the alias names and the voices they stand for now. */
    public Map<String, VoiceInfo> aliases() {
        Map<String, VoiceInfo> now = new LinkedHashMap<>();
        candidates.keySet().forEach(name -> now.put(name, aliasTarget(name)));
        return now;
    }

    /** Returns, for each voice that aliases stand for now, their names, sorted; resolved once for a listing. */
    public Map<String, List<String>> aliasesByVoice() {
        Map<String, List<String>> byVoice = new HashMap<>();
        aliases().forEach((name, v) -> byVoice.computeIfAbsent(v.id(), k -> new ArrayList<>()).add(name));
        byVoice.values().forEach(names -> names.sort(null));
        return byVoice;
    }

    /** Returns the model ids clients may send: OpenAI's names, then the open engines' ids. */
    public List<String> models() {
        List<String> all = new ArrayList<>(OPENAI_MODELS);
        all.addAll(registry.engines().keySet());
        return all;
    }

    /** Returns every voice whose language starts with {@code language} and whose engine is {@code engine}. */
    public List<VoiceInfo> voices(String language, String engine) {
        return registry.voices().stream()
                .filter(v -> engine == null || engine.isBlank() || v.engine().equalsIgnoreCase(engine.trim()))
                .filter(v -> language == null || language.isBlank() || languageMatches(v.language(), language))
                .toList();
    }

    /** Tells whether the language tag {@code tag} is {@code prefix} or a more specific form of it. */
    public static boolean languageMatches(String tag, String prefix) {
        return EngineRegistry.languageMatches(tag, prefix);
    }

    /**
     * Resolves what a client asked for to an installed voice. {@code model} may be {@code null}, an OpenAI model
     * (any voice) or an engine id (the voice must be that engine's; a bare name is looked up in that engine).
     * A blank voice means the language default for {@code language} when one is given, else the default voice,
     * or the engine's first voice when the model names another engine.
     *
     * @throws ApiException 404 for an unknown model; 400 when the voice belongs to another engine than the model
     * @throws VoiceNotFoundException when no voice has that name
     * @throws EngineUnavailableException when the voice's files exist but failed to load; the message says why
     */
    public VoiceInfo resolve(String model, String voice, String language) {
        String engine = engineOf(model);
        String v = voice == null ? "" : voice.trim();
        VoiceInfo info;
        if (v.isEmpty()) {
            info = engine != null ? defaultOf(engine)
                    : language != null && !language.isBlank() ? registry.resolveLanguage(language)
                    : registry.resolve(null);
        } else if (candidates.containsKey(v.toLowerCase(Locale.ROOT))) {
            info = aliasTarget(v.toLowerCase(Locale.ROOT));
        } else if (engine != null && v.indexOf(':') < 0 && registry.voices().stream()
                .anyMatch(x -> x.id().equals(engine + ":" + v))) {
            info = registry.resolve(engine + ":" + v);
        } else {
            info = resolveId(v);
        }
        if (engine != null && !info.engine().equals(engine)) {
            throw ApiException.badRequest("voice_model_mismatch", "voice", "voice: '" + v + "' is "
                    + info.id() + " of engine '" + info.engine() + "' (expected: a voice of engine '" + engine
                    + "', the model; or use model 'tts-1' for any voice)");
        }
        return info;
    }

    /**
     * Returns the language that picks the voice for a request: the request's own {@code language}, else, when the
     * request names no voice and its input is SSML, the document's {@code xml:lang}; otherwise {@code null}.
     */
    public static String routingLanguage(String voice, String language, ParsedRequest parsed) {
        if (language != null && !language.isBlank()) {
            return language;
        }
        if (voice != null && !voice.isBlank()) {
            return null;
        }
        return parsed.documentLanguage();
    }

    /** Resolves a voice id; a voice whose files failed to load is reported with the reason, not as missing. */
    private VoiceInfo resolveId(String id) {
        try {
            return registry.resolve(id);
        } catch (VoiceNotFoundException e) {
            String failure = registry.failures().get(id);
            if (failure != null) {
                throw new EngineUnavailableException("voice '" + id + "' failed to load: " + failure);
            }
            throw e;
        }
    }

    private String engineOf(String model) {
        if (model == null || model.isBlank()) {
            return null;
        }
        String m = model.trim();
        if (isOpenAiModel(m)) {
            return null;
        }
        if (registry.engines().containsKey(m)) {
            return m;
        }
        throw new ApiException(404, "model_not_found", "model", "model: '" + model + "' does not exist (expected "
                + "one of: " + String.join(", ", models()) + ")");
    }

    private VoiceInfo defaultOf(String engine) {
        VoiceInfo dflt = registry.resolve(null);
        if (dflt.engine().equals(engine)) {
            return dflt;
        }
        // Prefer the default voice's language, then its primary language, so 'espeak' alone speaks English here.
        List<VoiceInfo> own = registry.voices().stream().filter(x -> x.engine().equals(engine)).toList();
        String primary = dflt.locale().getLanguage();
        return own.stream().filter(x -> x.language().equalsIgnoreCase(dflt.language())).findFirst()
                .or(() -> own.stream().filter(x -> languageMatches(x.language(), primary)).findFirst())
                .or(() -> own.stream().findFirst())
                .orElseThrow(() -> new VoiceNotFoundException(engine + ":(any)", List.of()));
    }
}

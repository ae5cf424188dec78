package dev.chorus.runtime;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens the installed engines and routes voice ids to loaded voices.
 *
 * <p>Engines are found with {@link ServiceLoader}. An engine that cannot run here (for example, a missing native
 * library) is logged once with its reason and left out; every other engine keeps working. Voices load on first
 * use and stay loaded until the registry closes.
 */
public final class EngineRegistry implements AutoCloseable {

    /** The voice used when a request names none and no other default is configured. */
    public static final String DEFAULT_VOICE = "hmm:cmu-slt-hsmm";

    private static final System.Logger LOG = System.getLogger(EngineRegistry.class.getName());

    private final Map<String, TtsEngine> engines;
    private final Map<String, String> unavailable;
    private final Map<String, Integer> workers;
    private final Map<String, VoiceInfo> voices;
    private final Map<String, Voice> loaded = new ConcurrentHashMap<>();
    private final String defaultVoice;
    private volatile boolean closed;

    private EngineRegistry(Builder b) {
        Map<String, TtsEngine> open = new LinkedHashMap<>();
        Map<String, String> missing = new LinkedHashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        List<TtsEngineProvider> providers = b.providers != null ? b.providers
                : ServiceLoader.load(TtsEngineProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        for (TtsEngineProvider p : providers) {
            if (b.enabled != null && !b.enabled.contains(p.id())) {
                continue;
            }
            int n = b.workers.getOrDefault(p.id(), b.defaultWorkers);
            try {
                open.put(p.id(), p.open(new EngineContext(n, b.settings)));
                sizes.put(p.id(), n);
            } catch (EngineUnavailableException e) {
                missing.put(p.id(), e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "engine ''{0}'' is unavailable: {1}", p.id(), e.getMessage());
            }
        }
        this.engines = Collections.unmodifiableMap(open);
        this.unavailable = Collections.unmodifiableMap(missing);
        this.workers = Map.copyOf(sizes);
        Map<String, VoiceInfo> all = new LinkedHashMap<>();
        for (TtsEngine e : open.values()) {
            for (VoiceInfo v : e.voices()) {
                all.putIfAbsent(v.id(), v);
            }
        }
        this.voices = Collections.unmodifiableMap(all);
        this.defaultVoice = b.defaultVoice;
    }

    /** Returns a builder; with no settings it opens every engine found on the class or module path. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the open engines by id. */
    public Map<String, TtsEngine> engines() {
        return engines;
    }

    /** Returns, for each engine that could not open, why. */
    public Map<String, String> unavailable() {
        return unavailable;
    }

    /** Returns how many concurrent syntheses the engine was opened for. */
    public int workers(String engineId) {
        Integer n = workers.get(engineId);
        if (n == null) {
            throw new IllegalArgumentException("engineId: " + engineId + " (expected one of: " + engines.keySet() + ")");
        }
        return n;
    }

    /** Returns every voice of every open engine, in engine order. */
    public List<VoiceInfo> voices() {
        return List.copyOf(voices.values());
    }

    /**
     * Returns the id of the default voice: the configured one, else the first voice of the first engine.
     *
     * @throws VoiceNotFoundException if no engine has any voice
     */
    public String defaultVoice() {
        if (defaultVoice != null && voices.containsKey(defaultVoice)) {
            return defaultVoice;
        }
        if (defaultVoice != null && !unavailable.containsKey(engineOf(defaultVoice))) {
            throw notFound(defaultVoice);
        }
        return voices.keySet().stream().findFirst().orElseThrow(() -> new VoiceNotFoundException(
                defaultVoice == null ? "(default)" : defaultVoice, List.of()));
    }

    /**
     * Resolves a voice id to its metadata: a full id ({@code espeak:en-us}), or an engine's own name
     * ({@code en-us}) when exactly one engine has it; {@code null} or blank means the default voice.
     *
     * @throws VoiceNotFoundException with close matches when nothing fits
     */
    public VoiceInfo resolve(String voiceId) {
        if (voiceId == null || voiceId.isBlank()) {
            return voices.get(defaultVoice());
        }
        String id = voiceId.trim();
        VoiceInfo exact = voices.get(id);
        if (exact != null) {
            return exact;
        }
        if (id.indexOf(':') < 0) {
            List<VoiceInfo> byName = voices.values().stream().filter(v -> v.localName().equalsIgnoreCase(id)).toList();
            if (byName.size() == 1) {
                return byName.getFirst();
            }
        }
        String engine = engineOf(id);
        if (engine != null && unavailable.containsKey(engine)) {
            throw new EngineUnavailableException("voice '" + id + "' needs engine '" + engine + "', which is "
                    + "unavailable: " + unavailable.get(engine));
        }
        throw notFound(id);
    }

    /** Returns the loaded voice for {@code voiceId} (see {@link #resolve}), loading it on first use. */
    public Voice voice(String voiceId) {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
        VoiceInfo info = resolve(voiceId);
        return loaded.computeIfAbsent(info.id(), id -> engines.get(info.engine()).load(id));
    }

    /** Returns the first phonemizer any open engine offers. */
    public Optional<Phonemizer> phonemizer() {
        return engines.values().stream().flatMap(e -> e.phonemizer().stream()).findFirst();
    }

    private VoiceNotFoundException notFound(String id) {
        return new VoiceNotFoundException(id, VoiceMatcher.closest(id, new ArrayList<>(voices.keySet())));
    }

    private static String engineOf(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? null : id.substring(0, colon);
    }

    /** Unloads every voice and closes every engine. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loaded.values().forEach(Voice::close);
        loaded.clear();
        engines.values().forEach(TtsEngine::close);
    }

    /** Configures an {@link EngineRegistry}. */
    public static final class Builder {
        private List<TtsEngineProvider> providers;
        private Set<String> enabled;
        private final Map<String, Integer> workers = new HashMap<>();
        private int defaultWorkers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private final Map<String, String> settings = new HashMap<>();
        private String defaultVoice = DEFAULT_VOICE;

        private Builder() {
        }

        /** Uses exactly these providers instead of the ones {@link ServiceLoader} finds. */
        public Builder providers(List<TtsEngineProvider> list) {
            this.providers = List.copyOf(list);
            return this;
        }

        /** Opens only the engines with these ids. */
        public Builder enabledEngines(Set<String> ids) {
            this.enabled = Set.copyOf(ids);
            return this;
        }

        /** Sets how many syntheses run at once on every engine without its own setting (default: CPU count). */
        public Builder defaultWorkers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("defaultWorkers: " + n + " (expected: >= 1)");
            }
            this.defaultWorkers = n;
            return this;
        }

        /** Sets how many syntheses run at once on one engine. */
        public Builder workers(String engineId, int n) {
            if (n < 1) {
                throw new IllegalArgumentException("workers: " + n + " (expected: >= 1)");
            }
            workers.put(engineId, n);
            return this;
        }

        /** Adds an engine setting, passed to every engine in its {@link EngineContext}. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Sets the default voice id (default {@code hmm:cmu-slt-hsmm}). */
        public Builder defaultVoice(String id) {
            this.defaultVoice = id;
            return this;
        }

        /** Opens the engines. */
        public EngineRegistry build() {
            return new EngineRegistry(this);
        }
    }
}

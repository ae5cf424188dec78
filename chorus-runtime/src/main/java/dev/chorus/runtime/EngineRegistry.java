package dev.chorus.runtime;

import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import dev.chorus.tts.spi.VoiceGate;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens the installed engines and routes voice ids, aliases and languages to loaded voices.
 *
 * <p>Engines are found with {@link ServiceLoader}. An engine that cannot run here (for example, a missing native
 * library) is logged once with its reason and left out; every other engine keeps working. Voices load on first
 * use and stay loaded until they are unloaded, replaced (engines such as {@code piper} load new versions of
 * changed voice files) or the registry closes.
 *
 * <p>Voice ids may carry a version, {@code piper:en_US-lessac-medium@2}; without one they mean the current
 * version. An alias names a chain of voice ids: the first one that is installed and loads wins, so a voice that
 * fails to load falls back to the next. Language defaults map a BCP-47 tag (or its primary language) to such a
 * chain and serve requests that name a language but no voice.
 *
 * <p>{@link #acquire} hands out a {@link VoiceLease} for one request; the voice stays usable until the lease
 * closes even if it is unloaded or replaced meanwhile, so no request fails because of a reload.
 *
 * <p>The work is shared out: {@link EngineOpener} opens the engines, {@link VoiceCatalog} says what a voice id
 * means, {@link LoadedVoices} loads, unloads and leases.
 */
public final class EngineRegistry implements AutoCloseable {

    /** The voice used when a request names none and no other default is configured. */
    public static final String DEFAULT_VOICE = VoiceDefaults.defaultVoice();

    private static final System.Logger LOG = System.getLogger(EngineRegistry.class.getName());

    private final Map<String, TtsEngine> engines;
    /** Engines that are not enabled but were opened because an enabled one needs their phonemizer. */
    private final List<TtsEngine> phonemizerHelpers;
    private final Map<String, String> unavailable;
    private final Map<String, Integer> workers;
    private final LoadedVoices loaded;
    private final VoiceCatalog catalog;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** The release gate new voice versions pass; open until {@link #releaseGate} sets one. */
    private volatile VoiceGate gate = VoiceGate.OPEN;
    private volatile boolean closed;

    private EngineRegistry(Builder b) {
        List<TtsEngineProvider> providers = b.providers != null ? b.providers
                : ServiceLoader.load(TtsEngineProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        // Engines that need a phonemizer (piper) get it from the engine that offers it, opened first on demand.
        EngineOpener opener = new EngineOpener(providers, b.enabled,
                id -> b.workers.getOrDefault(id, b.defaultWorkers), b.settings,
                candidate -> gate.refuse(candidate));
        opener.openAll();
        this.engines = Collections.unmodifiableMap(opener.engines());
        this.phonemizerHelpers = opener.helpers();
        this.unavailable = Collections.unmodifiableMap(opener.unavailable());
        this.workers = opener.workers();
        this.loaded = new LoadedVoices(engines);
        this.catalog = new VoiceCatalog(engines, unavailable, b.aliases, b.languageDefaults, b.defaultVoice,
                this::failures);
        for (TtsEngine e : engines.values()) {
            e.addVoicesListener(this::voicesChanged);
        }
    }

    /** Rereads the engines' voice lists; loaded versions no longer current unload after their last lease. */
    private void voicesChanged() {
        if (closed) {
            return;
        }
        loaded.retireStale(catalog.refresh());
        listeners.forEach(l -> {
            try {
                l.run();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "voice listener failed", ex);
            }
        });
    }

    /**
     * Sets what each new version of a voice must pass before it serves, from now on: versions an engine loads
     * while it runs (hot reload, {@link #reload}). Voices loaded while the engines opened are not checked.
     */
    public void releaseGate(VoiceGate g) {
        this.gate = Objects.requireNonNull(g, "gate");
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

    /** Returns the current version of every voice of every open engine, in engine order. */
    public List<VoiceInfo> voices() {
        return List.copyOf(catalog.voices().values());
    }

    /** Returns the configured aliases and the voice chains they stand for. */
    public Map<String, List<String>> aliases() {
        return catalog.aliases();
    }

    /** Returns the configured language defaults: language tag (lower case) to voice chain. */
    public Map<String, List<String>> languageDefaults() {
        return catalog.languageDefaults();
    }

    /**
     * Returns voices that exist but failed to load, by id, with the reason: files an engine could not read and
     * voices whose last load attempt failed.
     */
    public Map<String, String> failures() {
        Map<String, String> all = new LinkedHashMap<>(loaded.failures());
        engines.values().forEach(e -> all.putAll(e.failures()));
        return all;
    }

    /** Returns the ids (with versions, {@code id@version}) of the voices loaded now. */
    public Set<String> loadedVoices() {
        return loaded.keys();
    }

    /** Returns how many voice loads succeeded since start. */
    public long loads() {
        return loaded.loads();
    }

    /** Returns how many loaded voices were replaced by a new version or removed since start. */
    public long reloads() {
        return loaded.reloads();
    }

    /** Registers a callback run after the voice list changed. */
    public void addVoicesListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Returns the id of the default voice: the configured one, else the first voice of the first engine.
     *
     * @throws VoiceNotFoundException if no engine has any voice
     */
    public String defaultVoice() {
        return catalog.defaultVoice();
    }

    /**
     * Resolves a voice id to its metadata: a full id ({@code espeak:en-us}), a versioned id
     * ({@code piper:x@2}, which must be the current version), an alias, or an engine's own name ({@code en-us})
     * when exactly one engine has it; {@code null} or blank means the default voice.
     *
     * @throws VoiceNotFoundException with close matches when nothing fits
     */
    public VoiceInfo resolve(String voiceId) {
        return catalog.resolve(voiceId);
    }

    /**
     * Refuses a language {@code voice} cannot speak, as its engine would refuse it at synthesis
     * ({@link TtsEngine#checkLanguage}); {@code null} passes.
     *
     * @throws dev.chorus.tts.InvalidInputException naming the field {@code language}
     */
    public void checkLanguage(VoiceInfo voice, String language) {
        TtsEngine engine = language == null ? null : engines.get(voice.engine());
        if (engine != null) {
            engine.checkLanguage(voice, language);
        }
    }

    /**
     * Resolves the voice for a request that names a language but no voice: the configured default chain for the
     * tag, then for its primary language, then the default voice if it speaks that language, then the first
     * installed voice of that language, then the default voice.
     */
    public VoiceInfo resolveLanguage(String languageTag) {
        return catalog.resolveLanguage(languageTag);
    }

    /**
     * Tells whether a voice's BCP-47 tag answers a request for {@code prefix}: equal to it or extending it at a
     * subtag boundary, ignoring case, with macrolanguages and their individual languages matching each other
     * ({@code zh} finds {@code cmn} voices).
     */
    public static boolean languageMatches(String tag, String prefix) {
        return LanguageTags.matches(tag, prefix);
    }

    /**
     * Returns the loaded voice for {@code voiceId} (see {@link #resolve}), loading it on first use. The voice is
     * not leased: it may close when replaced. Requests use {@link #acquire}.
     */
    public Voice voice(String voiceId) {
        return loaded.entry(resolve(voiceId)).voice();
    }

    /**
     * Loads (if needed) and leases the voice for one request; close the lease when the request ends. When the
     * engine replaced the voice before the registry heard of it, the current version is leased instead.
     *
     * @throws VoiceNotFoundException if nothing fits
     * @throws dev.chorus.tts.SynthesisException if the voice cannot load
     */
    public VoiceLease acquire(VoiceInfo info) {
        return loaded.lease(Objects.requireNonNull(info, "info"), this::resolve);
    }

    /**
     * Loads a voice now (admin "load").
     *
     * @return the loaded voice's metadata
     */
    public VoiceInfo load(String voiceId) {
        VoiceInfo info = resolve(voiceId);
        loaded.entry(info);
        return info;
    }

    /**
     * Unloads a voice (admin "unload"): it stays listed and loads again on next use; requests using it finish
     * first.
     *
     * @return whether it was loaded
     */
    public boolean unload(String voiceId) {
        return loaded.unload(resolve(voiceId));
    }

    /** Asks the voice's engine to reread it from its source now (admin "reload"), then unloads the old copy. */
    public VoiceInfo reload(String voiceId) {
        VoiceInfo info = resolve(voiceId);
        engines.get(info.engine()).reload(info.id());
        voicesChanged();
        VoiceInfo now = resolve(info.id());
        if (now.version().equals(info.version())) {
            loaded.unload(now);
            loaded.countReload();
        }
        return resolve(info.id());
    }

    /** Returns the first phonemizer any open engine offers. */
    public Optional<Phonemizer> phonemizer() {
        return engines.values().stream().flatMap(e -> e.phonemizer().stream()).findFirst();
    }

    /** Unloads every voice and closes every engine. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loaded.close();
        engines.values().forEach(TtsEngine::close);
        phonemizerHelpers.forEach(TtsEngine::close);
    }

    /** Configures an {@link EngineRegistry}. */
    public static final class Builder {
        private List<TtsEngineProvider> providers;
        private Set<String> enabled;
        private final Map<String, Integer> workers = new HashMap<>();
        private int defaultWorkers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private final Map<String, String> settings = new HashMap<>();
        private String defaultVoice = DEFAULT_VOICE;
        private final Map<String, List<String>> aliases = new LinkedHashMap<>();
        private final Map<String, List<String>> languageDefaults = new LinkedHashMap<>();

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

        /** Adds an alias: a name that stands for the first installed, loadable voice of {@code chain}. */
        public Builder alias(String name, List<String> chain) {
            if (name == null || name.isBlank() || chain.isEmpty()) {
                throw new IllegalArgumentException("alias: '" + name + "' -> " + chain
                        + " (expected: a name and at least one voice id)");
            }
            aliases.put(name.trim(), List.copyOf(chain));
            return this;
        }

        /** Sets the voices, in order of preference, for requests in {@code languageTag} that name no voice. */
        public Builder languageDefault(String languageTag, List<String> chain) {
            if (languageTag == null || languageTag.isBlank() || chain.isEmpty()) {
                throw new IllegalArgumentException("languageDefault: '" + languageTag + "' -> " + chain
                        + " (expected: a language tag and at least one voice id)");
            }
            languageDefaults.put(languageTag.trim().replace('_', '-'), List.copyOf(chain));
            return this;
        }

        /** Opens the engines. */
        public EngineRegistry build() {
            return new EngineRegistry(this);
        }
    }
}

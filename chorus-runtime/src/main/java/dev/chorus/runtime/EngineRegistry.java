package dev.chorus.runtime;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.SynthesisException;
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
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>{@link #acquire} hands out a voice for one request; the voice stays usable until {@link #release} even if it
 * is unloaded or replaced meanwhile, so no request fails because of a reload.
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
    private final Map<String, LoadedVoice> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> loadFailures = new ConcurrentHashMap<>();
    private final Map<String, List<String>> aliases;
    private final Map<String, List<String>> languageDefaults;
    private final String defaultVoice;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong loadCount = new AtomicLong();
    private final AtomicLong reloadCount = new AtomicLong();
    private volatile Map<String, VoiceInfo> voices;
    private volatile boolean closed;

    private EngineRegistry(Builder b) {
        List<TtsEngineProvider> providers = b.providers != null ? b.providers
                : ServiceLoader.load(TtsEngineProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        // Engines that need a phonemizer (piper) get it from the engine that offers it, opened first on demand.
        EngineOpener opener = new EngineOpener(providers, b.enabled,
                id -> b.workers.getOrDefault(id, b.defaultWorkers), b.settings);
        opener.openAll();
        Map<String, TtsEngine> open = opener.engines();
        this.phonemizerHelpers = opener.helpers();
        this.engines = Collections.unmodifiableMap(open);
        this.unavailable = Collections.unmodifiableMap(opener.unavailable());
        this.workers = opener.workers();
        this.aliases = copyChains(b.aliases);
        this.languageDefaults = copyChains(b.languageDefaults);
        this.defaultVoice = b.defaultVoice;
        this.voices = snapshot();
        for (TtsEngine e : open.values()) {
            e.addVoicesListener(this::voicesChanged);
        }
    }

    private static Map<String, List<String>> copyChains(Map<String, List<String>> chains) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        chains.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    private Map<String, VoiceInfo> snapshot() {
        Map<String, VoiceInfo> all = new LinkedHashMap<>();
        for (TtsEngine e : engines.values()) {
            for (VoiceInfo v : e.voices()) {
                all.putIfAbsent(v.id(), v);
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /** Rereads the engines' voice lists; loaded versions no longer current unload after their last request. */
    private void voicesChanged() {
        if (closed) {
            return;
        }
        Map<String, VoiceInfo> now = snapshot();
        voices = now;
        loadFailures.keySet().removeIf(id -> !now.containsKey(id));
        for (Map.Entry<String, LoadedVoice> e : loaded.entrySet()) {
            VoiceInfo current = now.get(e.getValue().info.id());
            if (current == null || !current.version().equals(e.getValue().info.version())) {
                if (loaded.remove(e.getKey(), e.getValue())) {
                    reloadCount.incrementAndGet();
                    e.getValue().retire();
                }
            }
        }
        listeners.forEach(l -> {
            try {
                l.run();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "voice listener failed", ex);
            }
        });
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
        return List.copyOf(voices.values());
    }

    /** Returns the configured aliases and the voice chains they stand for. */
    public Map<String, List<String>> aliases() {
        return aliases;
    }

    /** Returns the configured language defaults: language tag (lower case) to voice chain. */
    public Map<String, List<String>> languageDefaults() {
        return languageDefaults;
    }

    /**
     * Returns voices that exist but failed to load, by id, with the reason: files an engine could not read and
     * voices whose last load attempt failed.
     */
    public Map<String, String> failures() {
        Map<String, String> all = new LinkedHashMap<>(loadFailures);
        engines.values().forEach(e -> all.putAll(e.failures()));
        return all;
    }

    /** Returns the ids (with versions, {@code id@version}) of the voices loaded now. */
    public Set<String> loadedVoices() {
        return Set.copyOf(loaded.keySet());
    }

    /** Returns how many voice loads succeeded since start. */
    public long loads() {
        return loadCount.get();
    }

    /** Returns how many loaded voices were replaced by a new version or removed since start. */
    public long reloads() {
        return reloadCount.get();
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
        Map<String, VoiceInfo> all = voices;
        if (defaultVoice != null && all.containsKey(defaultVoice)) {
            return defaultVoice;
        }
        if (defaultVoice != null && aliases.containsKey(defaultVoice.toLowerCase(Locale.ROOT))) {
            VoiceInfo v = firstInstalled(aliases.get(defaultVoice.toLowerCase(Locale.ROOT)));
            if (v != null) {
                return v.id();
            }
        }
        if (defaultVoice != null && !unavailable.containsKey(engineOf(defaultVoice))) {
            throw notFound(defaultVoice);
        }
        return all.keySet().stream().findFirst().orElseThrow(() -> new VoiceNotFoundException(
                defaultVoice == null ? "(default)" : defaultVoice, List.of()));
    }

    /**
     * Resolves a voice id to its metadata: a full id ({@code espeak:en-us}), a versioned id
     * ({@code piper:x@2}, which must be the current version), an alias, or an engine's own name ({@code en-us})
     * when exactly one engine has it; {@code null} or blank means the default voice.
     *
     * @throws VoiceNotFoundException with close matches when nothing fits
     */
    public VoiceInfo resolve(String voiceId) {
        Map<String, VoiceInfo> all = voices;
        if (voiceId == null || voiceId.isBlank()) {
            return all.get(defaultVoice());
        }
        String id = voiceId.trim();
        VoiceInfo exact = all.get(id);
        if (exact != null) {
            return exact;
        }
        List<String> chain = aliases.get(id.toLowerCase(Locale.ROOT));
        if (chain != null) {
            VoiceInfo v = firstInstalled(chain);
            if (v != null) {
                return v;
            }
            LOG.log(System.Logger.Level.DEBUG, "alias ''{0}'': none of {1} is installed; using the default voice",
                    id, chain);
            return all.get(defaultVoice());
        }
        int at = id.lastIndexOf('@');
        if (at > 0) {
            VoiceInfo base = resolve(id.substring(0, at));
            String version = id.substring(at + 1);
            if (base.version().equals(version)) {
                return base;
            }
            throw new VoiceNotFoundException(id, List.of(base.id() + "@" + base.version()));
        }
        if (id.indexOf(':') < 0) {
            List<VoiceInfo> byName = all.values().stream().filter(v -> v.localName().equalsIgnoreCase(id)).toList();
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

    /**
     * Resolves the voice for a request that names a language but no voice: the configured default chain for the
     * tag, then for its primary language, then the default voice if it speaks that language, then the first
     * installed voice of that language, then the default voice.
     */
    public VoiceInfo resolveLanguage(String languageTag) {
        if (languageTag == null || languageTag.isBlank()) {
            return resolve(null);
        }
        String tag = languageTag.trim().replace('_', '-').toLowerCase(Locale.ROOT);
        String primary = tag.contains("-") ? tag.substring(0, tag.indexOf('-')) : tag;
        for (String key : List.of(tag, primary)) {
            List<String> chain = languageDefaults.get(key);
            if (chain != null) {
                VoiceInfo v = firstInstalled(chain);
                if (v != null) {
                    return v;
                }
            }
        }
        VoiceInfo dflt = resolve(null);
        if (languageMatches(dflt.language(), primary)) {
            return dflt;
        }
        return voices.values().stream().filter(v -> languageMatches(v.language(), tag)).findFirst()
                .or(() -> voices.values().stream().filter(v -> languageMatches(v.language(), primary)).findFirst())
                .orElse(dflt);
    }

    /**
     * Tells whether a voice's BCP-47 tag answers a request for {@code prefix}: equal to it or extending it at a
     * subtag boundary, ignoring case, with macrolanguages and their individual languages matching each other
     * ({@code zh} finds {@code cmn} voices).
     */
    public static boolean languageMatches(String tag, String prefix) {
        return LanguageTags.matches(tag, prefix);
    }

    private VoiceInfo firstInstalled(List<String> ids) {
        Map<String, String> failed = failures();
        for (String id : ids) {
            VoiceInfo v = voices.get(id);
            if (v == null && id.indexOf(':') < 0) {
                v = voices.values().stream().filter(x -> x.localName().equalsIgnoreCase(id)).findFirst()
                        .orElse(null);
            }
            if (v != null && !failed.containsKey(v.id())) {
                return v;
            }
        }
        return null;
    }

    /**
     * Returns the loaded voice for {@code voiceId} (see {@link #resolve}), loading it on first use. The voice is
     * not leased: it may unload when replaced. Requests use {@link #acquire}.
     */
    public Voice voice(String voiceId) {
        return entry(resolve(voiceId)).voice;
    }

    /**
     * Loads (if needed) and leases the voice for one request; pair with {@link #release}. When the voice fails
     * to load and {@code voiceId} is an alias, the next voice of its chain is tried.
     *
     * @throws VoiceNotFoundException if nothing fits
     * @throws dev.chorus.tts.SynthesisException if the voice cannot load
     */
    public Voice acquire(VoiceInfo info) {
        for (int attempt = 0; attempt < 5; attempt++) {
            LoadedVoice e = entry(info);
            if (e.retain()) {
                return e.voice;
            }
            // The engine replaced or removed this copy before its listener told us: drop it, so that the next
            // attempt asks the engine for its current version (or learns that the voice is gone).
            if (loaded.remove(info.id() + "@" + info.version(), e)) {
                reloadCount.incrementAndGet();
                e.retire();
            }
            info = resolve(info.id());
        }
        throw new SynthesisException("voice " + info.id() + " is being replaced; try again");
    }

    /** Ends a lease from {@link #acquire}. */
    public void release(Voice voice) {
        LoadedVoice e = leases.get(voice);
        if (e != null) {
            e.release();
        }
    }

    private final Map<Voice, LoadedVoice> leases = new ConcurrentHashMap<>();

    private LoadedVoice entry(VoiceInfo info) {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
        String key = info.id() + "@" + info.version();
        LoadedVoice existing = loaded.get(key);
        if (existing != null) {
            return existing;
        }
        LoadedVoice lv = loaded.computeIfAbsent(key, k -> {
            Voice v;
            try {
                v = engines.get(info.engine()).load(info.id());
            } catch (VoiceNotFoundException gone) {
                throw gone; // Removed since it was listed: not a failure of the voice.
            } catch (RuntimeException ex) {
                loadFailures.put(info.id(), String.valueOf(ex.getMessage()));
                throw ex;
            }
            loadFailures.remove(info.id());
            loadCount.incrementAndGet();
            // Keyed by what was asked for, but described by what the engine loaded, which is newer when the
            // voice was replaced after it was resolved.
            LoadedVoice loadedVoice = new LoadedVoice(v.info(), v);
            leases.put(v, loadedVoice);
            return loadedVoice;
        });
        if (lv.info.version().equals(info.version())) {
            return lv;
        }
        // The engine loaded a newer version than the caller resolved: file it under its own version, so the old
        // version's key does not keep it (and the old version never looks loaded after the switch).
        if (loaded.remove(key, lv)) {
            LoadedVoice prior = loaded.putIfAbsent(lv.info.id() + "@" + lv.info.version(), lv);
            if (prior != null) {
                lv.retire();
                return prior;
            }
        }
        return lv;
    }

    /**
     * Loads a voice now (admin "load").
     *
     * @return the loaded voice's metadata
     */
    public VoiceInfo load(String voiceId) {
        VoiceInfo info = resolve(voiceId);
        entry(info);
        return info;
    }

    /**
     * Unloads a voice (admin "unload"): it stays listed and loads again on next use; requests using it finish
     * first.
     *
     * @return whether it was loaded
     */
    public boolean unload(String voiceId) {
        VoiceInfo info = resolve(voiceId);
        LoadedVoice e = loaded.remove(info.id() + "@" + info.version());
        if (e == null) {
            return false;
        }
        e.retire();
        return true;
    }

    /** Asks the voice's engine to reread it from its source now (admin "reload"), then unloads the old copy. */
    public VoiceInfo reload(String voiceId) {
        VoiceInfo info = resolve(voiceId);
        engines.get(info.engine()).reload(info.id());
        voicesChanged();
        VoiceInfo now = resolve(info.id());
        if (now.version().equals(info.version())) {
            unload(info.id());
            reloadCount.incrementAndGet();
        }
        return resolve(info.id());
    }

    /** Returns the first phonemizer any open engine offers. */
    public Optional<Phonemizer> phonemizer() {
        return engines.values().stream().flatMap(e -> e.phonemizer().stream()).findFirst();
    }

    private VoiceNotFoundException notFound(String id) {
        List<String> names = new ArrayList<>(voices.keySet());
        names.addAll(aliases.keySet());
        return new VoiceNotFoundException(id, VoiceMatcher.closest(id, names));
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
        loaded.values().forEach(LoadedVoice::closeNow);
        loaded.clear();
        leases.clear();
        engines.values().forEach(TtsEngine::close);
        phonemizerHelpers.forEach(TtsEngine::close);
    }

    /**
     * A loaded voice with a count of the requests using it, so that an unloaded or replaced voice closes only
     * after its last request.
     */
    private final class LoadedVoice {
        final VoiceInfo info;
        final Voice voice;
        private int users;
        private boolean retired;
        private boolean closedVoice;

        LoadedVoice(VoiceInfo info, Voice voice) {
            this.info = info;
            this.voice = voice;
        }

        synchronized boolean retain() {
            if (retired || closedVoice || !voice.retain()) {
                return false;
            }
            users++;
            return true;
        }

        void release() {
            boolean close;
            synchronized (this) {
                users--;
                voice.release();
                close = retired && users == 0 && !closedVoice;
                closedVoice |= close;
            }
            if (close) {
                closeVoice();
            }
        }

        void retire() {
            boolean close;
            synchronized (this) {
                retired = true;
                close = users == 0 && !closedVoice;
                closedVoice |= close;
            }
            if (close) {
                closeVoice();
            }
        }

        void closeNow() {
            synchronized (this) {
                if (closedVoice) {
                    return;
                }
                closedVoice = true;
            }
            closeVoice();
        }

        private void closeVoice() {
            leases.remove(voice, this);
            try {
                voice.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing voice " + info.id() + " failed", e);
            }
        }
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

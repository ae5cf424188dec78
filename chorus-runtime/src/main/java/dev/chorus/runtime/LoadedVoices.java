package dev.chorus.runtime;

import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The voices loaded now, keyed {@code id@version}, with the last load failure of each voice and the load and
 * reload counters. Loads on first use; hands out {@link VoiceLease}s; retires copies that were unloaded or replaced
 * (each closes after its last lease, see {@link LoadedVoice}). Thread-safe: a voice loads once however many
 * requests ask for it at the same time.
 */
final class LoadedVoices {

    /** How often a lease is retried when the engine keeps replacing the voice under it. */
    private static final int LEASE_ATTEMPTS = 5;

    private final Map<String, TtsEngine> engines;
    private final Map<String, LoadedVoice> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong reloads = new AtomicLong();
    private volatile boolean closed;

    LoadedVoices(Map<String, TtsEngine> engines) {
        this.engines = engines;
    }

    /**
     * Loads (if needed) and leases the voice. When the engine unloaded the copy before the registry heard of it,
     * the copy is dropped and {@code resolve} (the catalog's) says which version to ask for instead.
     */
    VoiceLease lease(VoiceInfo info, Function<String, VoiceInfo> resolve) {
        for (int attempt = 0; attempt < LEASE_ATTEMPTS; attempt++) {
            LoadedVoice copy = entry(info);
            VoiceLease lease = copy.lease();
            if (lease != null) {
                return lease;
            }
            // The engine replaced or removed this copy before its listener told us: drop it, so that the next
            // attempt asks the engine for its current version (or learns that the voice is gone).
            retire(LoadedVoice.key(info), copy);
            info = resolve.apply(info.id());
        }
        throw new SynthesisException("voice " + info.id() + " is being replaced; try again");
    }

    /** Returns the loaded copy of this version of the voice, loading it now if it is not loaded. */
    LoadedVoice entry(VoiceInfo info) {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
        String key = LoadedVoice.key(info);
        LoadedVoice existing = loaded.get(key);
        if (existing != null) {
            return existing;
        }
        LoadedVoice copy = loaded.computeIfAbsent(key, k -> load(info));
        if (copy.info().version().equals(info.version())) {
            return copy;
        }
        // The engine loaded a newer version than the caller resolved: file it under its own version, so the old
        // version's key does not keep it (and the old version never looks loaded after the switch).
        if (loaded.remove(key, copy)) {
            LoadedVoice prior = loaded.putIfAbsent(copy.key(), copy);
            if (prior != null) {
                copy.retire();
                return prior;
            }
        }
        return copy;
    }

    private LoadedVoice load(VoiceInfo info) {
        Voice voice;
        try {
            voice = engines.get(info.engine()).load(info.id());
        } catch (VoiceNotFoundException gone) {
            throw gone; // Removed since it was listed: not a failure of the voice.
        } catch (RuntimeException e) {
            failures.put(info.id(), String.valueOf(e.getMessage()));
            throw e;
        }
        failures.remove(info.id());
        loads.incrementAndGet();
        return new LoadedVoice(voice);
    }

    /** Unloads this version of the voice; it closes after its last lease. Returns whether it was loaded. */
    boolean unload(VoiceInfo info) {
        LoadedVoice copy = loaded.remove(LoadedVoice.key(info));
        if (copy == null) {
            return false;
        }
        copy.retire();
        return true;
    }

    /**
     * Retires every copy that is no longer the current version in {@code current} (voice id to metadata), and
     * forgets the load failures of voices that are gone.
     */
    void retireStale(Map<String, VoiceInfo> current) {
        failures.keySet().removeIf(id -> !current.containsKey(id));
        loaded.forEach((key, copy) -> {
            VoiceInfo now = current.get(copy.info().id());
            if (now == null || !now.version().equals(copy.info().version())) {
                retire(key, copy);
            }
        });
    }

    /** Counts a reload that kept the voice's version (its copy was unloaded, so the next use loads it again). */
    void countReload() {
        reloads.incrementAndGet();
    }

    private void retire(String key, LoadedVoice copy) {
        if (loaded.remove(key, copy)) {
            reloads.incrementAndGet();
            copy.retire();
        }
    }

    /** Returns the voices whose last load failed, by id, with the reason. */
    Map<String, String> failures() {
        return new LinkedHashMap<>(failures);
    }

    Set<String> keys() {
        return Set.copyOf(loaded.keySet());
    }

    long loads() {
        return loads.get();
    }

    long reloads() {
        return reloads.get();
    }

    /** Closes every loaded voice now, leased or not. Idempotent. */
    void close() {
        closed = true;
        loaded.values().forEach(LoadedVoice::closeNow);
        loaded.clear();
    }
}

package dev.chorus.runtime;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.PhonemizerSource;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Opens the enabled engines in provider order, each with a context whose {@link PhonemizerSource} offers the
 * phonemizer of every other engine under its id. An engine that asks for a phonemizer while it opens gets the
 * provider of that id opened first, on demand (once; a cycle or an unavailable provider gives an empty answer), so
 * the order of providers on the class path does not matter. Used by one thread, during the registry's construction;
 * lookups after that only read the engines that opened.
 */
final class EngineOpener {

    private static final System.Logger LOG = System.getLogger(EngineRegistry.class.getName());

    private final Map<String, TtsEngineProvider> providers = new LinkedHashMap<>();
    private final ToIntFunction<String> workers;
    private final Map<String, String> settings;
    private final Map<String, TtsEngine> open = new HashMap<>();
    private final Map<String, String> unavailable = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private final Set<String> opening = new HashSet<>();
    private volatile Map<String, TtsEngine> opened;

    EngineOpener(List<TtsEngineProvider> enabled, ToIntFunction<String> workers, Map<String, String> settings) {
        enabled.forEach(p -> providers.putIfAbsent(p.id(), p));
        this.workers = workers;
        this.settings = Map.copyOf(settings);
    }

    /** Opens every provider not yet opened (some may have opened on demand already). */
    void openAll() {
        providers.keySet().forEach(this::open);
        opened = Map.copyOf(open);
    }

    /** Returns the engines that opened, in provider order. */
    Map<String, TtsEngine> engines() {
        Map<String, TtsEngine> out = new LinkedHashMap<>();
        providers.keySet().stream().filter(open::containsKey).forEach(id -> out.put(id, open.get(id)));
        return out;
    }

    /** Returns, in provider order, why each engine that did not open is unavailable. */
    Map<String, String> unavailable() {
        Map<String, String> out = new LinkedHashMap<>();
        providers.keySet().stream().filter(unavailable::containsKey).forEach(id -> out.put(id, unavailable.get(id)));
        return out;
    }

    /** Returns the worker count each open engine was opened with. */
    Map<String, Integer> workers() {
        return Map.copyOf(sizes);
    }

    private void open(String id) {
        if (!providers.containsKey(id) || open.containsKey(id) || unavailable.containsKey(id) || !opening.add(id)) {
            return;
        }
        try {
            int n = workers.applyAsInt(id);
            open.put(id, providers.get(id).open(new EngineContext(n, settings, this::phonemizer)));
            sizes.put(id, n);
        } catch (EngineUnavailableException e) {
            unavailable.put(id, e.getMessage());
            LOG.log(System.Logger.Level.WARNING, "engine ''{0}'' is unavailable: {1}", id, e.getMessage());
        } finally {
            opening.remove(id);
        }
    }

    private Optional<Phonemizer> phonemizer(String name) {
        Map<String, TtsEngine> done = opened;
        if (done != null) {
            TtsEngine engine = done.get(name);
            return engine == null ? Optional.empty() : engine.phonemizer();
        }
        // Still opening (on the constructing thread): open the engine that offers it now.
        open(name);
        TtsEngine engine = open.get(name);
        return engine == null ? Optional.empty() : engine.phonemizer();
    }
}

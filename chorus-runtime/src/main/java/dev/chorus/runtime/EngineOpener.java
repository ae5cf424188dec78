package dev.chorus.runtime;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.PhonemizerSource;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.VoiceGate;

import java.util.ArrayList;
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
 * provider of that id opened first, on demand (once; a cycle or an engine that cannot open gives an empty answer),
 * so the order of providers on the class path does not matter. A provider that is installed but not enabled is
 * opened only when an enabled engine asks for its phonemizer: as a helper, whose voices are not served (so
 * {@code chorus say -v piper:x}, which enables only {@code piper}, still phonemizes with eSpeak NG).
 *
 * <p>Used by one thread, during the registry's construction; lookups after that only read what opened.
 */
final class EngineOpener {

    private static final System.Logger LOG = System.getLogger(EngineRegistry.class.getName());

    private final Map<String, TtsEngineProvider> providers = new LinkedHashMap<>();
    private final Set<String> enabled;
    private final ToIntFunction<String> workers;
    private final Map<String, String> settings;
    private final VoiceGate gate;
    private final Map<String, TtsEngine> open = new HashMap<>();
    private final Map<String, String> unavailable = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private final Set<String> opening = new HashSet<>();
    private volatile Map<String, TtsEngine> opened;

    /**
     * @param enabled the ids whose voices are served, or {@code null} for all
     */
    EngineOpener(List<TtsEngineProvider> all, Set<String> enabled, ToIntFunction<String> workers,
                 Map<String, String> settings, VoiceGate gate) {
        all.forEach(p -> providers.putIfAbsent(p.id(), p));
        this.enabled = enabled == null ? providers.keySet() : Set.copyOf(enabled);
        this.workers = workers;
        this.settings = Map.copyOf(settings);
        this.gate = gate;
    }

    /** Opens every enabled provider not yet opened (some may have opened on demand already). */
    void openAll() {
        providers.keySet().stream().filter(enabled::contains).toList().forEach(this::open);
        opened = Map.copyOf(open);
    }

    /** Returns the enabled engines that opened, in provider order. */
    Map<String, TtsEngine> engines() {
        Map<String, TtsEngine> out = new LinkedHashMap<>();
        providers.keySet().stream().filter(id -> enabled.contains(id) && open.containsKey(id))
                .forEach(id -> out.put(id, open.get(id)));
        return out;
    }

    /** Returns the engines opened only for their phonemizer; they serve no voices and close with the registry. */
    List<TtsEngine> helpers() {
        List<TtsEngine> out = new ArrayList<>();
        open.forEach((id, e) -> {
            if (!enabled.contains(id)) {
                out.add(e);
            }
        });
        return out;
    }

    /** Returns, in provider order, why each enabled engine that did not open is unavailable. */
    Map<String, String> unavailable() {
        Map<String, String> out = new LinkedHashMap<>();
        providers.keySet().stream().filter(id -> enabled.contains(id) && unavailable.containsKey(id))
                .forEach(id -> out.put(id, unavailable.get(id)));
        return out;
    }

    /** Returns the worker count each enabled open engine was opened with. */
    Map<String, Integer> workers() {
        Map<String, Integer> out = new HashMap<>(sizes);
        out.keySet().retainAll(enabled);
        return Map.copyOf(out);
    }

    private void open(String id) {
        if (!providers.containsKey(id) || open.containsKey(id) || unavailable.containsKey(id) || !opening.add(id)) {
            return;
        }
        try {
            int n = workers.applyAsInt(id);
            open.put(id, providers.get(id).open(new EngineContext(n, settings, this::phonemizer, gate)));
            sizes.put(id, n);
            if (!enabled.contains(id)) {
                LOG.log(System.Logger.Level.INFO, "engine ''{0}'' opened only for its phonemizer (not enabled: its "
                        + "voices are not served)", id);
            }
        } catch (EngineUnavailableException e) {
            unavailable.put(id, e.getMessage());
            LOG.log(System.Logger.Level.WARNING, "engine ''{0}'' is unavailable: {1}", id, e.getMessage());
        } finally {
            opening.remove(id);
        }
    }

    private Optional<Phonemizer> phonemizer(String name) {
        Map<String, TtsEngine> done = opened;
        if (done == null) {
            // Still opening (on the constructing thread): open the engine that offers it now.
            open(name);
            done = open;
        }
        TtsEngine engine = done.get(name);
        return engine == null ? Optional.empty() : engine.phonemizer();
    }
}

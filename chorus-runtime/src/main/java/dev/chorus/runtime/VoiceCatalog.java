package dev.chorus.runtime;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.TtsEngine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a voice id means: the current version of every voice of the open engines, the aliases, the language
 * defaults and the default voice, and the rules that turn a name, {@code id@version}, an alias or a language tag
 * into one {@link VoiceInfo}. Loads nothing. The voice list is replaced whole when an engine's list changes, so a
 * lookup never sees half a change.
 */
final class VoiceCatalog {

    private static final System.Logger LOG = System.getLogger(EngineRegistry.class.getName());

    private final Map<String, TtsEngine> engines;
    private final Map<String, String> unavailable;
    private final Map<String, List<String>> aliases;
    private final Map<String, List<String>> languageDefaults;
    private final String defaultVoice;
    /** Voices that exist but do not load: chains skip them. */
    private final Supplier<Map<String, String>> failures;
    private volatile Map<String, VoiceInfo> voices;

    VoiceCatalog(Map<String, TtsEngine> engines, Map<String, String> unavailable,
                 Map<String, List<String>> aliases, Map<String, List<String>> languageDefaults, String defaultVoice,
                 Supplier<Map<String, String>> failures) {
        this.engines = engines;
        this.unavailable = unavailable;
        this.aliases = copyChains(aliases);
        this.languageDefaults = copyChains(languageDefaults);
        this.defaultVoice = defaultVoice;
        this.failures = failures;
        this.voices = snapshot();
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

    /** Rereads the engines' voice lists; returns the current version of every voice by id. */
    Map<String, VoiceInfo> refresh() {
        Map<String, VoiceInfo> now = snapshot();
        voices = now;
        return now;
    }

    /** Returns the current version of every voice by id, in engine order. */
    Map<String, VoiceInfo> voices() {
        return voices;
    }

    Map<String, List<String>> aliases() {
        return aliases;
    }

    Map<String, List<String>> languageDefaults() {
        return languageDefaults;
    }

    /** See {@link EngineRegistry#defaultVoice()}. */
    String defaultVoice() {
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

    /** See {@link EngineRegistry#resolve(String)}. */
    VoiceInfo resolve(String voiceId) {
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
            TtsEngine owner = engines.get(base.engine());
            java.util.Optional<VoiceInfo> other = owner == null ? java.util.Optional.empty()
                    : owner.otherVersion(base.id(), version);
            if (other.isPresent()) {
                return other.get();
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
        VoiceInfo composed = composed(engine, id);
        if (composed != null) {
            return composed;
        }
        throw notFound(id);
    }

    /**
     * Returns the voice an open engine makes of an id it does not list (a composed voice, such as a weighted blend
     * of speakers), or {@code null} when it makes none. A malformed composition is the engine's error to report.
     */
    private VoiceInfo composed(String engine, String id) {
        TtsEngine owner = engine == null ? null : engines.get(engine);
        if (owner == null) {
            return null;
        }
        try (dev.chorus.tts.spi.Voice v = owner.load(id)) {
            return v.info().id().equals(id) ? v.info() : null;
        } catch (dev.chorus.tts.InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** See {@link EngineRegistry#resolveLanguage(String)}. */
    VoiceInfo resolveLanguage(String languageTag) {
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
        if (LanguageTags.matches(dflt.language(), primary)) {
            return dflt;
        }
        Map<String, VoiceInfo> all = voices;
        return all.values().stream().filter(v -> LanguageTags.matches(v.language(), tag)).findFirst()
                .or(() -> all.values().stream().filter(v -> LanguageTags.matches(v.language(), primary)).findFirst())
                .orElse(dflt);
    }

    /** Returns the first voice of the chain that is installed and has not failed to load, or {@code null}. */
    private VoiceInfo firstInstalled(List<String> ids) {
        Map<String, VoiceInfo> all = voices;
        Map<String, String> failed = failures.get();
        for (String id : ids) {
            VoiceInfo v = all.get(id);
            if (v == null && id.indexOf(':') < 0) {
                v = all.values().stream().filter(x -> x.localName().equalsIgnoreCase(id)).findFirst().orElse(null);
            }
            if (v != null && !failed.containsKey(v.id())) {
                return v;
            }
        }
        return null;
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
}

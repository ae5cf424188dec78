package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.Gender;
import dev.chorus.tts.VoiceInfo;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The installed eSpeak voices as Chorus voices, named {@code espeak:<language code>}, and the lookups that turn
 * a voice id, a BCP-47 tag or an eSpeak language code into one of them.
 */
final class VoiceCatalog {

    /** One voice: its Chorus metadata and the identifier {@code espeak_SetVoiceByName} takes. */
    record Entry(VoiceInfo info, String identifier) {
    }

    /** A language a voice speaks, with eSpeak's preference (lower is preferred). */
    record Language(int priority, String code) {
    }

    /** An {@code espeak_VOICE} as listed by the library. */
    @SuppressWarnings("restricted")
    record RawVoice(String name, List<Language> languages, String identifier, int gender) {

        /** Reads the NULL-terminated array {@code espeak_ListVoices} returns. */
        static List<RawVoice> readAll(MemorySegment list) {
            List<RawVoice> voices = new ArrayList<>();
            MemorySegment array = list.reinterpret(ADDRESS.byteSize() * 10_000);
            for (int i = 0; i < 10_000; i++) {
                MemorySegment v = array.getAtIndex(ADDRESS, i);
                if (v.address() == 0) {
                    break;
                }
                v = v.reinterpret(NativeApi.VOICE.byteSize());
                voices.add(new RawVoice(string(v.get(ADDRESS, offset("name"))),
                        languages(v.get(ADDRESS, offset("languages"))), string(v.get(ADDRESS, offset("identifier"))),
                        v.get(JAVA_BYTE, offset("gender"))));
            }
            return List.copyOf(voices);
        }

        /** Reads eSpeak's list of (priority byte, NUL-terminated code) pairs, ended by a zero priority. */
        private static List<Language> languages(MemorySegment raw) {
            List<Language> languages = new ArrayList<>();
            if (raw.address() == 0) {
                return languages;
            }
            MemorySegment bytes = raw.reinterpret(4096);
            long at = 0;
            while (at < bytes.byteSize() - 1 && bytes.get(JAVA_BYTE, at) != 0) {
                int priority = Byte.toUnsignedInt(bytes.get(JAVA_BYTE, at));
                String code = bytes.getString(at + 1);
                languages.add(new Language(priority, code));
                at += 2 + code.getBytes(StandardCharsets.UTF_8).length;
            }
            return languages;
        }

        private static long offset(String field) {
            return NativeApi.VOICE.byteOffset(MemoryLayout.PathElement.groupElement(field));
        }

        private static String string(MemorySegment s) {
            return s.address() == 0 ? "" : s.reinterpret(4096).getString(0).strip();
        }
    }

    /**
     * Voices left out because eSpeak NG 1.51 crashes the process on ordinary text in them, which in-process would
     * take the JVM down: Greenlandic segfaults on "017" and on "å" before a letter (also with the espeak-ng
     * program).
     */
    private static final Set<String> CRASHING = Set.of("esx/kl");

    private final String engine;
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final Map<String, Entry> byTag = new HashMap<>();
    private final Map<String, Entry> byLanguage = new HashMap<>();
    private List<VoiceInfo> infos = List.of();

    private VoiceCatalog(String engine) {
        this.engine = engine;
    }

    /** Builds the catalog; a voice whose name is taken by an earlier one is named after its file instead. */
    static VoiceCatalog of(List<RawVoice> raw, String engine, int sampleRate, String version) {
        VoiceCatalog catalog = new VoiceCatalog(engine);
        Map<String, Integer> bestPriority = new HashMap<>();
        for (RawVoice v : raw) {
            String fileName = v.identifier().substring(v.identifier().lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            String code = v.languages().isEmpty() ? fileName : v.languages().getFirst().code().toLowerCase(Locale.ROOT);
            String name = catalog.byName.containsKey(code) ? fileName : code;
            if (name.isEmpty() || v.identifier().isEmpty() || catalog.byName.containsKey(name)
                    || CRASHING.contains(v.identifier())) {
                continue;
            }
            // Named after its file, a second voice for a language keeps its script and variant in the tag too.
            String tag = LanguageTags.toBcp47(name);
            VoiceInfo info = new VoiceInfo(engine + ":" + name, v.name(), tag, gender(v.gender()), sampleRate, engine,
                    version, true);
            Entry entry = new Entry(info, v.identifier());
            catalog.byName.put(name, entry);
            catalog.byTag.putIfAbsent(tag.toLowerCase(Locale.ROOT), entry);
            for (Language l : v.languages()) {
                String key = l.code().toLowerCase(Locale.ROOT);
                if (l.priority() < bestPriority.getOrDefault(key, Integer.MAX_VALUE)) {
                    bestPriority.put(key, l.priority());
                    catalog.byLanguage.put(key, entry);
                }
            }
        }
        catalog.infos = catalog.byName.values().stream().map(Entry::info).toList();
        return catalog;
    }

    /** Returns every voice, in eSpeak's order. */
    List<VoiceInfo> infos() {
        return infos;
    }

    /** Returns the voice with the full id {@code voiceId} ({@code espeak:en-us}). */
    Optional<Entry> byId(String voiceId) {
        String prefix = engine + ":";
        return voiceId.startsWith(prefix) ? Optional.ofNullable(byName.get(voiceId.substring(prefix.length())))
                : Optional.empty();
    }

    /**
     * Finds the voice for a voice name ({@code en-us}, {@code espeak:en-us}), a BCP-47 tag ({@code en-US}) or an
     * eSpeak language code ({@code en}, {@code zh}); a tag with unknown trailing subtags falls back to its prefix
     * ({@code en-AU} finds the voice eSpeak prefers for {@code en}).
     */
    Optional<Entry> resolve(String nameOrTag) {
        String key = nameOrTag.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        int colon = key.indexOf(':');
        if (colon >= 0) {
            key = key.substring(colon + 1);
        }
        while (!key.isEmpty()) {
            for (Map<String, Entry> m : List.of(byName, byTag, byLanguage)) {
                Entry e = m.get(key);
                if (e != null) {
                    return Optional.of(e);
                }
            }
            int dash = key.lastIndexOf('-');
            key = dash < 0 ? "" : key.substring(0, dash);
        }
        return Optional.empty();
    }

    /** Returns up to three voice ids close to {@code voiceId}, best first. */
    List<String> suggestions(String voiceId) {
        String wanted = voiceId.substring(voiceId.indexOf(':') + 1).toLowerCase(Locale.ROOT);
        return byName.keySet().stream()
                .map(n -> Map.entry(n, distance(wanted, n)))
                .filter(e -> e.getValue() <= Math.max(2, wanted.length() / 3))
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(3)
                .map(e -> byName.get(e.getKey()).info().id())
                .toList();
    }

    private static Gender gender(int espeakGender) {
        return switch (espeakGender) {
            case 1 -> Gender.MALE;
            case 2 -> Gender.FEMALE;
            default -> Gender.UNKNOWN;
        };
    }

    /** Levenshtein distance; names are short. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}

package dev.chorus.engine.piper.internal;

import dev.chorus.tts.spi.Phonemizer.PhonemeClause;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns phonemes into a voice's model ids exactly as Piper (piper-phonemize) does: eSpeak clauses are decomposed
 * (NFD), stripped of language-switch flags such as {@code (fr)}, joined with their punctuation ({@code .?!}
 * directly, {@code ,:;} followed by a space) and split into sentences after {@code .?!}; each sentence becomes
 * {@code ^ _ p1 _ p2 _ ... pn _ $}. Phonemes missing from the map are skipped, with one warning per phoneme.
 */
final class PhonemeEncoder {

    private static final System.Logger LOG = System.getLogger(PhonemeEncoder.class.getName());

    /** Piper's built-in phoneme replacements for voices whose config has no {@code phoneme_map}. */
    private static final Map<String, Map<Integer, int[]>> DEFAULT_PHONEME_MAPS =
            Map.of("pt-br", Map.of((int) 'c', new int[] {'k'}));

    /** Ids and where each word starts. */
    record Encoded(long[] ids, int[] wordStarts) {
    }

    private final VoiceConfig config;
    private final String owner;
    private final Map<Integer, int[]> phonemeMap;
    private final long[] pad;
    private final long[] bos;
    private final long[] eos;
    private final Set<Integer> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param config the voice's config
     * @param owner  names the voice and file in warnings
     */
    PhonemeEncoder(VoiceConfig config, String owner) {
        this.config = config;
        this.owner = owner;
        Map<Integer, int[]> map = config.phonemeMap();
        if (map.isEmpty() && config.espeakVoice() != null) {
            map = DEFAULT_PHONEME_MAPS.getOrDefault(config.espeakVoice().toLowerCase(Locale.ROOT), Map.of());
        }
        this.phonemeMap = map;
        this.pad = config.phonemeIds().get(VoiceConfig.PAD);
        this.bos = config.phonemeIds().get(VoiceConfig.BOS);
        this.eos = config.phonemeIds().get(VoiceConfig.EOS);
    }

    /** Joins eSpeak's clauses into sentences of phonemes, as Piper does. */
    List<int[]> sentences(List<PhonemeClause> clauses) {
        List<int[]> out = new ArrayList<>();
        IntList current = new IntList();
        for (PhonemeClause clause : clauses) {
            String nfd = Normalizer.normalize(clause.phonemes(), Normalizer.Form.NFD);
            if (!current.isEmpty() && current.last() != ' ' && !nfd.isBlank()) {
                current.add(' ');
            }
            boolean inFlag = false;
            for (int i = 0; i < nfd.length(); ) {
                int cp = nfd.codePointAt(i);
                i += Character.charCount(cp);
                if (inFlag) {
                    inFlag = cp != ')';
                } else if (cp == '(') {
                    inFlag = true;
                } else {
                    map(cp, current);
                }
            }
            String punctuation = clause.punctuation();
            int mark = punctuation.isEmpty() ? 0 : punctuation.codePointBefore(punctuation.length());
            switch (mark) {
                case '.', '?', '!' -> {
                    current.add(mark);
                    add(out, current);
                    current = new IntList();
                }
                case ',', ':', ';' -> {
                    current.add(mark);
                    current.add(' ');
                }
                default -> {
                }
            }
        }
        add(out, current);
        return out;
    }

    /** Returns the phonemes of a text voice: the text in lower case, decomposed (NFD), one phoneme per code point. */
    int[] textPhonemes(String text) {
        IntList out = new IntList();
        Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD).codePoints()
                .forEach(cp -> map(cp, out));
        return out.toArray();
    }

    /** Returns IPA given directly, decomposed (NFD), as phonemes. */
    int[] ipaPhonemes(String ipa) {
        IntList out = new IntList();
        Normalizer.normalize(ipa.strip(), Normalizer.Form.NFD).codePoints().forEach(cp -> map(cp, out));
        return out.toArray();
    }

    /** Returns whether the phonemes hold anything to speak (more than spaces and punctuation). */
    static boolean speakable(int[] phonemes) {
        for (int cp : phonemes) {
            if (!isSeparator(cp)) {
                return true;
            }
        }
        return false;
    }

    /** Encodes one sentence's phonemes. */
    Encoded encode(int[] phonemes) {
        LongList ids = new LongList(phonemes.length * 2 + 3);
        IntList wordStarts = new IntList();
        ids.addAll(bos);
        ids.addAll(pad);
        boolean atWordStart = true;
        for (int cp : phonemes) {
            if (cp == ' ') {
                atWordStart = true;
            } else if (atWordStart && !isSeparator(cp)) {
                wordStarts.add(ids.size());
                atWordStart = false;
            }
            long[] mapped = config.phonemeIds().get(cp);
            if (mapped == null) {
                if (warned.add(cp)) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: phoneme ''{1}'' (U+{2}) is not in phoneme_id_map; "
                            + "skipped", owner, Character.toString(cp), String.format("%04X", cp));
                }
                continue;
            }
            ids.addAll(mapped);
            ids.addAll(pad);
        }
        ids.addAll(eos);
        return new Encoded(ids.toArray(), wordStarts.toArray());
    }

    private void map(int cp, IntList out) {
        int[] replacement = phonemeMap.get(cp);
        if (replacement == null) {
            out.add(cp);
        } else {
            for (int r : replacement) {
                out.add(r);
            }
        }
    }

    private static void add(List<int[]> out, IntList sentence) {
        if (!sentence.isEmpty()) {
            out.add(sentence.toArray());
        }
    }

    private static boolean isSeparator(int cp) {
        return cp == ' ' || cp == '.' || cp == ',' || cp == '?' || cp == '!' || cp == ':' || cp == ';'
                || cp == '-' || cp == '"' || cp == '\'';
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[32];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        boolean isEmpty() {
            return n == 0;
        }

        int last() {
            return a[n - 1];
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable long array. */
    private static final class LongList {
        private long[] a;
        private int n;

        LongList(int capacity) {
            a = new long[Math.max(8, capacity)];
        }

        void addAll(long[] v) {
            if (n + v.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            }
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}

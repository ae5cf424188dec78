package dev.chorus.engine.piper.internal;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.spi.Phonemizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text front ends of the sherpa-onnx VITS models exported from Coqui TTS (metadata {@code comment=coqui}) and
 * from icefall ({@code comment=icefall}), read as sherpa-onnx reads them: the model's metadata ({@code sample_rate},
 * {@code n_speakers}, {@code language}, {@code voice}, {@code frontend}, {@code add_blank}, {@code blank_id},
 * {@code bos_id}, {@code eos_id}, {@code use_eos_bos}) and {@code tokens.txt} ({@code SYMBOL ID} per line, one code
 * point per symbol; a line with only an id is the space; {@code <PAD> <EOS> <BOS> <BLNK>} are skipped, their ids
 * are the metadata's).
 *
 * <ul>
 *   <li>{@link Kind#COQUI_CHARACTERS} ({@code frontend=characters}: {@code vits-coqui-de-css10} and the other
 *   character models): ASCII letters are lower-cased (the exporter lists the upper-case letters of other scripts in
 *   {@code tokens.txt} with their lower-case id); each character in {@code tokens.txt} is its id, others are
 *   skipped; {@code . : ? !} end a sentence. A sentence is {@code [bos] blank c1 blank ... cn blank [eos]} with
 *   {@code add_blank=1}, {@code [bos] c1 ... cn [eos]} without; bos and eos only with {@code use_eos_bos=1}.</li>
 *   <li>{@link Kind#COQUI_PHONEMES} ({@code vits-coqui-en-ljspeech}, {@code vits-coqui-en-vctk}): eSpeak NG's
 *   phonemes in the voice the metadata {@code voice} names, joined into sentences as Piper does; a sentence is
 *   {@code [bos] [blank] p1 [blank] ... pn [blank] , [eos]}: sherpa-onnx ends every sentence with the comma's id,
 *   for a longer pause.</li>
 *   <li>{@link Kind#ICEFALL_PHONEMES} ({@code vits-icefall-en_US-ljspeech-*}): the same phonemes, each sentence
 *   {@code ^ p1 _ p2 _ ... pn _ $} (no pad right after {@code ^}, unlike Piper's own rule).</li>
 * </ul>
 * Two departures from sherpa-onnx, both where it loses or adds sound: a sentence without a character to speak is
 * left out (sherpa-onnx runs {@code [bos, blank, eos]} after a final {@code .}), and the last sentence of a
 * character model keeps its end id and its last character without {@code add_blank} too.
 */
final class CoquiIcefallFrontend {

    private static final System.Logger LOG = System.getLogger(CoquiIcefallFrontend.class.getName());

    /** How text becomes ids. */
    enum Kind { COQUI_CHARACTERS, COQUI_PHONEMES, ICEFALL_PHONEMES }

    final Kind kind;
    private final Map<Integer, Long> tokens;
    private final boolean addBlank;
    private final boolean useEosBos;
    private final long blank;
    private final long bos;
    private final long eos;
    private final String voice;
    private final Phonemizer phonemizer;
    private final PhonemeEncoder sentenceSplitter;
    private final String owner;
    private final Set<Integer> warned = ConcurrentHashMap.newKeySet();

    private CoquiIcefallFrontend(Kind kind, Map<Integer, Long> tokens, boolean addBlank, boolean useEosBos,
                                 long blank, long bos, long eos, String voice, Phonemizer phonemizer, String owner) {
        this.kind = kind;
        this.tokens = tokens;
        this.addBlank = addBlank;
        this.useEosBos = useEosBos;
        this.blank = blank;
        this.bos = bos;
        this.eos = eos;
        this.voice = voice;
        this.phonemizer = phonemizer;
        // Only its Piper sentence joining is used: no phoneme map (sherpa-onnx sets none), no ids.
        this.sentenceSplitter = new PhonemeEncoder(new VoiceConfig(1, 256, VoiceConfig.PhonemeType.ESPEAK, null, 0,
                1, 0, Map.of(), Map.of(), 0, 1, Map.of(), "und", null), owner);
        this.owner = owner;
    }

    /**
     * Returns whether these rules read the model: metadata {@code comment} naming {@code coqui} or {@code icefall}
     * (as sherpa-onnx matches it). Chinese models ({@code language} Chinese or {@code jieba} set) are not: as in
     * sherpa-onnx, {@link SherpaChinese} reads them, whatever their comment.
     */
    static boolean handles(Map<String, String> metadata) {
        String comment = metadata.getOrDefault("comment", "");
        return (comment.contains("coqui") || comment.contains("icefall")) && SherpaChinese.mode(metadata) == null;
    }

    /**
     * Reads a voice.
     *
     * @param phonemizer        eSpeak's phonemizer, or {@code null} when there is none
     * @param phonemizerProblem why there is none
     * @param owner             names the voice in warnings
     * @throws SherpaFrontend.Invalid naming the metadata key, or the line of tokens.txt, at fault
     */
    static SherpaFrontend of(Map<String, String> metadata, byte[] tokensTxt, Phonemizer phonemizer,
                             String phonemizerProblem, String owner) throws SherpaFrontend.Invalid {
        // sherpa-onnx picks the character front end by frontend=characters first, whatever the comment says.
        Kind kind = "characters".equals(metadata.getOrDefault("frontend", "").strip()) ? Kind.COQUI_CHARACTERS
                : metadata.getOrDefault("comment", "").contains("coqui") ? Kind.COQUI_PHONEMES
                : Kind.ICEFALL_PHONEMES;
        int sampleRate = SherpaTokens.integer(metadata, "sample_rate", null, 1, Integer.MAX_VALUE);
        int speakers = SherpaTokens.integer(metadata, "n_speakers", null, 0, Integer.MAX_VALUE);
        if (metadata.getOrDefault("language", "").isBlank()) {
            throw new SherpaFrontend.Invalid(SherpaFrontend.Which.MODEL, "metadata language: missing (expected: the "
                    + "model's language, e.g. English)");
        }
        boolean addBlank = SherpaTokens.integer(metadata, "add_blank", 0, 0, 1) == 1;
        boolean useEosBos = SherpaTokens.integer(metadata, "use_eos_bos", 1, 0, 1) == 1;
        long blank = SherpaTokens.integer(metadata, "blank_id", 0, 0, Integer.MAX_VALUE);
        long bos = SherpaTokens.integer(metadata, "bos_id", 0, 0, Integer.MAX_VALUE);
        long eos = SherpaTokens.integer(metadata, "eos_id", 0, 0, Integer.MAX_VALUE);
        Map<String, Long> all = new HashMap<>();
        Map<Integer, Long> tokens = SherpaTokens.read(tokensTxt, all);
        String voice = null;
        if (kind == Kind.COQUI_PHONEMES && !tokens.containsKey((int) ',')) {
            throw new SherpaFrontend.Invalid(SherpaFrontend.Which.TOKENS, "no ',' (expected: the comma, whose id "
                    + "ends every sentence of a Coqui phoneme model)");
        }
        if (kind == Kind.ICEFALL_PHONEMES) {
            for (int required : new int[] {VoiceConfig.PAD, VoiceConfig.BOS, VoiceConfig.EOS}) {
                if (!tokens.containsKey(required)) {
                    throw new SherpaFrontend.Invalid(SherpaFrontend.Which.TOKENS, "no '" + Character.toString(required)
                            + "' (expected: pad '_', start '^' and end '$', which wrap an icefall model's phonemes)");
                }
            }
        }
        if (kind != Kind.COQUI_CHARACTERS) {
            voice = metadata.getOrDefault("voice", "").strip();
            if (voice.isEmpty()) {
                throw new SherpaFrontend.Invalid(SherpaFrontend.Which.MODEL, "metadata voice: missing (expected: the "
                        + "eSpeak NG voice the model was trained with, e.g. en-us)");
            }
            if (phonemizer == null) {
                throw new SherpaFrontend.Invalid(SherpaFrontend.Which.MODEL, "metadata voice: '" + voice
                        + "' needs the espeak engine's phonemizer, which is unavailable: " + phonemizerProblem
                        + " (Coqui models with frontend=characters still load)");
            }
            try {
                phonemizer.phonemize("a", voice);
            } catch (InvalidInputException e) {
                throw new SherpaFrontend.Invalid(SherpaFrontend.Which.MODEL, "metadata voice: '" + voice
                        + "' is not a voice eSpeak NG has here: " + e.getMessage());
            }
        }
        if (kind != Kind.ICEFALL_PHONEMES) {
            // The metadata's ids go to the model too; the load-time check runs the largest id.
            all.putIfAbsent("metadata blank_id", blank);
            all.putIfAbsent("metadata bos_id", bos);
            all.putIfAbsent("metadata eos_id", eos);
        }
        CoquiIcefallFrontend f = new CoquiIcefallFrontend(kind, tokens, addBlank, useEosBos, blank, bos, eos, voice,
                phonemizer, owner);
        return SherpaFrontend.delegating(metadata, sampleRate, speakers, all, f::sentences, owner);
    }

    /** Returns the sentences of {@code text} as model ids, with where each starts in the text. */
    List<SherpaFrontend.Sentence> sentences(String text) {
        return kind == Kind.COQUI_CHARACTERS ? characterSentences(text) : phonemeSentences(text);
    }

    private List<SherpaFrontend.Sentence> characterSentences(String text) {
        List<SherpaFrontend.Sentence> out = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        open(ids);
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            // sherpa-onnx lower-cases byte by byte with tolower(): ASCII letters only.
            int c = cp < 0x80 ? Character.toLowerCase(cp) : cp;
            Long id = tokens.get(c);
            if (id != null) {
                if (start < 0 && !Character.isWhitespace(c)) {
                    start = i;
                }
                ids.add(id);
                if (addBlank) {
                    ids.add(blank);
                }
            } else if (!Character.isWhitespace(c)) {
                warnOnce(c, "character");
            }
            i += Character.charCount(cp);
            if (c == '.' || c == ':' || c == '?' || c == '!') {
                close(out, ids, start);
                ids.clear();
                open(ids);
                start = -1;
            }
        }
        close(out, ids, start);
        return out;
    }

    private void open(List<Long> ids) {
        if (useEosBos) {
            ids.add(bos);
        }
        if (addBlank) {
            ids.add(blank);
        }
    }

    private void close(List<SherpaFrontend.Sentence> out, List<Long> ids, int start) {
        if (start < 0) {
            return;
        }
        if (useEosBos) {
            ids.add(eos);
        }
        out.add(new SherpaFrontend.Sentence(start, ids.stream().mapToLong(Long::longValue).toArray()));
    }

    private List<SherpaFrontend.Sentence> phonemeSentences(String text) {
        List<SherpaFrontend.Sentence> out = new ArrayList<>();
        List<TextWords.Span> words = TextWords.words(text);
        int word = 0;
        for (int[] phonemes : sentenceSplitter.sentences(phonemizer.phonemize(text, voice))) {
            if (PhonemeEncoder.speakable(phonemes)) {
                out.add(new SherpaFrontend.Sentence(TextWords.sentenceStart(text, words, word), ids(phonemes)));
            }
            word += words(phonemes);
        }
        return out;
    }

    /** Returns the ids of one sentence's phonemes (as joined by Piper's rules). */
    long[] ids(int[] phonemes) {
        List<Long> ids = new ArrayList<>(phonemes.length * 2 + 4);
        if (kind == Kind.ICEFALL_PHONEMES) {
            ids.add(tokens.get(VoiceConfig.BOS));
            long pad = tokens.get(VoiceConfig.PAD);
            for (int p : phonemes) {
                Long id = id(p);
                if (id != null) {
                    ids.add(id);
                    ids.add(pad);
                }
            }
            ids.add(tokens.get(VoiceConfig.EOS));
        } else {
            open(ids);
            for (int p : phonemes) {
                Long id = id(p);
                if (id != null) {
                    ids.add(id);
                    if (addBlank) {
                        ids.add(blank);
                    }
                }
            }
            ids.add(tokens.get((int) ','));
            if (useEosBos) {
                ids.add(eos);
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private Long id(int phoneme) {
        Long id = tokens.get(phoneme);
        if (id == null) {
            warnOnce(phoneme, "phoneme");
        }
        return id;
    }

    /** Counts the words of a sentence's phonemes: the runs between spaces that hold more than punctuation. */
    private static int words(int[] phonemes) {
        int n = 0;
        int start = 0;
        for (int i = 0; i <= phonemes.length; i++) {
            if (i == phonemes.length || phonemes[i] == ' ') {
                if (PhonemeEncoder.speakable(java.util.Arrays.copyOfRange(phonemes, start, i))) {
                    n++;
                }
                start = i + 1;
            }
        }
        return n;
    }

    private void warnOnce(int cp, String what) {
        if (warned.add(cp)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} ''{2}'' (U+{3}) is not in tokens.txt; skipped", owner,
                    what, Character.toString(cp), String.format("%04X", cp));
        }
    }
}

package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.internal.SherpaFrontend.Invalid;
import dev.chorus.engine.piper.internal.SherpaFrontend.Sentence;
import dev.chorus.engine.piper.internal.SherpaFrontend.Which;
import dev.chorus.engine.piper.internal.SherpaWords.Unit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text front ends of sherpa-onnx's Chinese and MeloTTS VITS models, chosen by the model's metadata as
 * sherpa-onnx chooses them and read the same way (see {@link SherpaWords} for the units and phrases):
 *
 * <ul>
 *   <li>{@link Mode#MELO} ({@code comment} containing {@code melo}, with {@code jieba=1} or {@code language=English}:
 *   {@code vits-melo-tts-zh_en}, {@code vits-melo-tts-en}): the lower-cased text's phrases become their lexicon
 *   phones and tones; a phrase missing from the lexicon is a token when {@code tokens.txt} has it (tone 0), else
 *   its units', or an English word's letters', lexicon entries. {@code , . ! ?} and their full-width forms end a
 *   sentence. A single-speaker model speaks with the speaker of its {@code speaker_id} metadata.</li>
 *   <li>{@link Mode#PHRASES} ({@code jieba=1}: {@code vits-zh-hf-*}, {@code sherpa-onnx-vits-zh-ll}): as MeloTTS
 *   without tones, on the text as written; a punctuation mark right after another is dropped; the ASCII and
 *   full-width forms of {@code , . ! ? : ; " '} stand for each other in {@code tokens.txt}, and {@code 、} for
 *   {@code ，}; {@code , . ! ? : " '}, their full-width forms and curly quotes end a sentence.</li>
 *   <li>{@link Mode#CHARACTERS} ({@code language=Chinese} without {@code jieba}: {@code vits-zh-aishell3},
 *   {@code vits-icefall-zh-aishell3}): each unit is looked up alone; a sentence opens with {@code sil} and closes
 *   with {@code sil eos} when {@code tokens.txt} has them; {@code . ; ! ? - :} and their full-width forms and
 *   {@code ”} end a sentence, {@code , “ ， 、} do not; a mark listed in the {@code punctuation} metadata is kept
 *   as its token (or {@code #0}, or {@code sil}); an ASCII {@code , ! ? : ;} counts as its full-width form when
 *   only that is listed, since the server's normalization folds full-width marks to ASCII.</li>
 * </ul>
 * Text units missing everywhere are skipped with one warning each. With {@code add_blank=1}, id 0 (and tone 0) goes
 * before, between and after a sentence's ids. One difference from sherpa-onnx: a sentence with no word in it (only
 * punctuation, {@code sil} or {@code eos}) is not run, where sherpa-onnx makes a short sound of it.
 */
final class SherpaChinese {

    private static final System.Logger LOG = System.getLogger(SherpaChinese.class.getName());

    private static final Set<String> PHRASE_PUNCT = Set.of(",", ".", "!", "?", ":", "\"", "'", "，", "。", "！",
            "？", "“", "”", "‘", "’");
    private static final Set<String> MELO_ENDS = Set.of(".", "!", "?", ",", "。", "！", "？", "，");
    private static final Set<String> CHARACTER_PUNCT = Set.of(".", ";", "!", "?", "-", ":", "。", "；", "！", "？",
            "：", "”", ",", "“", "，", "、");
    private static final Set<String> CHARACTER_PAUSES = Set.of(",", "“", "，", "、");
    /** The full-width marks that the server's normalization (NFKC) turns into ASCII before the engine. */
    private static final Map<String, String> FULL_WIDTH = Map.of(",", "，", "!", "！", "?", "？", ":", "：",
            ";", "；");
    private static final String[][] PHRASE_ALIASES = {{",", "，"}, {".", "。"}, {"!", "！"}, {"?", "？"},
        {":", "："}, {"\"", "“"}, {"\"", "”"}, {"'", "‘"}, {"'", "’"}, {";", "；"}};

    /** How text becomes ids. */
    enum Mode { MELO, PHRASES, CHARACTERS }

    final Mode mode;
    final String language;
    private final boolean addBlank;
    private final long fixedSpeaker;
    private final Map<String, Long> tokens;
    private final Map<String, SherpaLexicon.Pron> lexicon;
    private final Set<String> punctuation;
    private final String owner;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private SherpaChinese(Mode mode, String language, boolean addBlank, long fixedSpeaker, Map<String, Long> tokens,
                          Map<String, SherpaLexicon.Pron> lexicon, Set<String> punctuation, String owner) {
        this.mode = mode;
        this.language = language;
        this.addBlank = addBlank;
        this.fixedSpeaker = fixedSpeaker;
        this.tokens = tokens;
        this.lexicon = lexicon;
        this.punctuation = punctuation;
        this.owner = owner;
    }

    /** Returns the mode the metadata asks for, or {@code null} when the model is not one of these. */
    static Mode mode(Map<String, String> metadata) {
        String comment = metadata.getOrDefault("comment", "").strip();
        String language = metadata.getOrDefault("language", "").strip().toLowerCase(Locale.ROOT);
        boolean jieba = !metadata.getOrDefault("jieba", "0").strip().equals("0");
        if (SherpaFrontend.characters(metadata) || comment.contains("piper")) {
            return null;
        }
        if (comment.contains("melo")) {
            return jieba || language.equals("english") ? Mode.MELO : null;
        }
        if (jieba) {
            return Mode.PHRASES;
        }
        return language.equals("chinese") || language.startsWith("zh") ? Mode.CHARACTERS : null;
    }

    /**
     * Reads a voice whose {@link #mode} is not {@code null}.
     *
     * @throws Invalid naming the metadata key or the lexicon line at fault
     */
    static SherpaChinese of(Map<String, String> metadata, Map<String, Long> tokensTxt, byte[] lexiconTxt,
                            int speakers, boolean addBlank, String owner) throws Invalid {
        Mode mode = mode(metadata);
        Map<String, Long> tokens = new HashMap<>(tokensTxt);
        long fixedSpeaker = -1;
        String language = "zh";
        if (mode == Mode.MELO) {
            int version = SherpaTokens.integer(metadata, "version", 0, 0, Integer.MAX_VALUE);
            if (version < 2) {
                throw new Invalid(Which.MODEL, "metadata version: " + version + " (expected: 2 or later; this "
                        + "MeloTTS export predates the one sherpa-onnx reads: download the model again)");
            }
            if (speakers <= 1) {
                fixedSpeaker = SherpaTokens.integer(metadata, "speaker_id", 0, 0, Integer.MAX_VALUE);
            }
            tokens.put(" ", tokens.getOrDefault("_", 0L));
            alias(tokens, new String[][] {{",", "，"}, {".", "。"}, {"!", "！"}, {"?", "？"}});
            if (!metadata.getOrDefault("language", "").toLowerCase(Locale.ROOT).contains("chinese")) {
                language = "en";
            }
        } else if (mode == Mode.PHRASES) {
            alias(tokens, PHRASE_ALIASES);
            if (!tokens.containsKey(";") && tokens.containsKey(",")) {
                tokens.put(";", tokens.get(","));
            }
        }
        Map<String, SherpaLexicon.Pron> lexicon = new HashMap<>(SherpaLexicon.read(lexiconTxt, tokens,
                mode == Mode.MELO, SherpaLexicon::lowerAscii));
        if (mode == Mode.MELO) {
            for (String[] same : new String[][] {{"呣", "母"}, {"嗯", "恩"}}) {
                if (lexicon.containsKey(same[1])) {
                    lexicon.put(same[0], lexicon.get(same[1]));
                }
            }
        }
        Set<String> punctuation = new HashSet<>();
        for (String mark : metadata.getOrDefault("punctuation", "").split(" ")) {
            if (!mark.isEmpty()) {
                punctuation.add(mark);
            }
        }
        return new SherpaChinese(mode, language, addBlank, fixedSpeaker, Map.copyOf(tokens), Map.copyOf(lexicon),
                Set.copyOf(punctuation), owner);
    }

    /** Returns the speaker id to run the model with: the metadata's for single-speaker MeloTTS models. */
    long speakerId(long requested) {
        return fixedSpeaker >= 0 ? fixedSpeaker : requested;
    }

    /** Returns the sentences of {@code text} as model ids (and tones for MeloTTS); empty ones are left out. */
    List<Sentence> sentences(String text) {
        return mode == Mode.CHARACTERS ? characters(text) : phrases(text);
    }

    private List<Sentence> phrases(String text) {
        boolean melo = mode == Mode.MELO;
        List<Unit> units = SherpaWords.split(melo ? SherpaLexicon.lowerAll(text) : text);
        if (!melo) {
            List<Unit> kept = new ArrayList<>();
            for (Unit u : units) {
                if (kept.isEmpty() || !PHRASE_PUNCT.contains(u.text())
                        || !PHRASE_PUNCT.contains(kept.getLast().text())) {
                    kept.add(u);
                }
            }
            units = kept;
        }
        Builder out = new Builder();
        for (Unit phrase : SherpaWords.phrases(units, lexicon.keySet())) {
            String w = phrase.text();
            if (!out.addWord(phrase.offset(), w)) {
                warnOnce(w, "'" + w + "' is neither in lexicon.txt nor in tokens.txt; skipped");
                continue;
            }
            if (melo ? MELO_ENDS.contains(w) : PHRASE_PUNCT.contains(w)) {
                out.end();
            }
        }
        out.end();
        return out.sentences;
    }

    private List<Sentence> characters(String text) {
        Long sil = tokens.get("sil");
        Long eos = sil == null ? null : tokens.get("eos");
        Long pad = tokens.get("#0");
        Builder out = new Builder();
        for (Unit u : SherpaWords.split(SherpaLexicon.lowerAscii(text))) {
            String w = u.text();
            String wide = FULL_WIDTH.get(w);
            if (wide != null && !punctuation.contains(w) && punctuation.contains(wide)) {
                w = wide; // as written before normalization folded it
            }
            if (CHARACTER_PUNCT.contains(w)) {
                if (punctuation.contains(w)) {
                    Long id = tokens.containsKey(w) ? tokens.get(w) : pad != null ? pad : sil;
                    if (id != null) {
                        out.add(id, 0);
                    }
                }
                if (!CHARACTER_PAUSES.contains(w)) {
                    out.close(sil, eos);
                }
                continue;
            }
            SherpaLexicon.Pron p = lexicon.get(w);
            if (p == null) {
                warnOnce(w, "'" + w + "' is not in lexicon.txt; skipped");
                continue;
            }
            if (!out.spoken) {
                out.open(u.offset(), sil);
            }
            out.addAll(p);
        }
        out.close(sil, eos);
        return out.sentences;
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}", owner, message);
        }
    }

    private static void alias(Map<String, Long> tokens, String[][] pairs) {
        for (String[] p : pairs) {
            if (tokens.containsKey(p[0]) && !tokens.containsKey(p[1])) {
                tokens.put(p[1], tokens.get(p[0]));
            }
            if (!tokens.containsKey(p[0]) && tokens.containsKey(p[1])) {
                tokens.put(p[0], tokens.get(p[1]));
            }
        }
        if (!tokens.containsKey("、") && tokens.containsKey("，")) {
            tokens.put("、", tokens.get("，"));
        }
    }

    /** Collects one text's sentences; a sentence is kept only when a word (not only punctuation) is in it. */
    private final class Builder {
        final List<Sentence> sentences = new ArrayList<>();
        private final List<Long> ids = new ArrayList<>();
        private final List<Long> tones = new ArrayList<>();
        private int start = -1;
        boolean spoken;

        void add(long id, long tone) {
            ids.add(id);
            tones.add(tone);
        }

        void addAll(SherpaLexicon.Pron p) {
            for (int k = 0; k < p.ids().length; k++) {
                add(p.ids()[k], p.tones() == null ? 0 : p.tones()[k]);
            }
            spoken = true;
        }

        /** Starts a CHARACTERS sentence at a word: {@code sil} first when the model has it. */
        void open(int offset, Long sil) {
            List<Long> before = new ArrayList<>(ids);
            ids.clear();
            tones.clear();
            if (sil != null) {
                add(sil, 0);
            }
            before.forEach(id -> add(id, 0));
            start = offset;
        }

        /** Adds a phrase's ids: its lexicon entry, its token, or its units' entries; false when none. */
        boolean addWord(int offset, String w) {
            SherpaLexicon.Pron p = lexicon.get(w);
            if (p != null) {
                mark(offset, w);
                addAll(p);
                return true;
            }
            Long token = tokens.get(w);
            if (token != null) {
                mark(offset, w);
                add(token, 0);
                if (!PHRASE_PUNCT.contains(w) && !MELO_ENDS.contains(w)) {
                    spoken = true;
                }
                return true;
            }
            boolean any = false;
            for (Unit u : SherpaWords.split(w)) {
                SherpaLexicon.Pron part = lexicon.get(u.text());
                if (part != null) {
                    mark(offset, w);
                    addAll(part);
                    any = true;
                } else if (mode == Mode.MELO) {
                    for (char c : u.text().toCharArray()) {
                        SherpaLexicon.Pron letter = c < 0x80 ? lexicon.get(String.valueOf(c)) : null;
                        if (letter != null) {
                            mark(offset, w);
                            addAll(letter);
                            any = true;
                        }
                    }
                }
            }
            return any;
        }

        private void mark(int offset, String w) {
            if (start < 0 && !PHRASE_PUNCT.contains(w) && !MELO_ENDS.contains(w)) {
                start = offset;
            }
        }

        /** Ends a PHRASES or MELO sentence. */
        void end() {
            flush();
        }

        /** Ends a CHARACTERS sentence: {@code sil eos} after its words when the model has them. */
        void close(Long sil, Long eos) {
            if (spoken) {
                if (sil != null) {
                    add(sil, 0);
                }
                if (eos != null) {
                    add(eos, 0);
                }
            }
            flush();
        }

        private void flush() {
            if (spoken && !ids.isEmpty()) {
                int n = ids.size();
                long[] x = new long[addBlank ? 2 * n + 1 : n];
                long[] t = new long[x.length];
                for (int k = 0; k < n; k++) {
                    x[addBlank ? 2 * k + 1 : k] = ids.get(k);
                    t[addBlank ? 2 * k + 1 : k] = tones.get(k);
                }
                sentences.add(new Sentence(Math.max(0, start), x, mode == Mode.MELO ? t : null));
            }
            ids.clear();
            tones.clear();
            start = -1;
            spoken = false;
        }
    }
}

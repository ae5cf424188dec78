package dev.chorus.engine.piper.internal;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text front end of the sherpa-onnx VITS models that are not Piper exports, read as sherpa-onnx reads them:
 * the model's metadata ({@code comment}, {@code sample_rate}, {@code add_blank}, {@code n_speakers},
 * {@code punctuation}, {@code language}), {@code tokens.txt} ({@code SYMBOL ID} per line) and, for lexicon models,
 * {@code lexicon.txt} ({@code WORD TOKEN TOKEN ...} per line).
 *
 * <ul>
 *   <li>{@link Kind#LEXICON} ({@code vits-ljs}, {@code vits-vctk}): the lower-cased text is split into words at
 *   white space and at punctuation; each word becomes its lexicon tokens followed by the space token when
 *   {@code tokens.txt} has one (not after a sentence's last word); punctuation that {@code tokens.txt} has is kept as its token; {@code . ! ?} end a
 *   sentence (one model run each). A word missing from the lexicon is spelled letter by letter when the lexicon
 *   has every letter of it as a word, and skipped with a warning otherwise.</li>
 *   <li>{@link Kind#CHARACTERS} ({@code vits-mms-*}, metadata {@code comment=mms} or {@code frontend=characters}):
 *   each character of the lower-cased text is its token; characters missing from {@code tokens.txt} are
 *   skipped.</li>
 * </ul>
 * With {@code add_blank=1} the blank id 0 goes before, between and after the tokens of a sentence.
 *
 * <p>Chinese and MeloTTS models ({@link SherpaChinese}) and Coqui and icefall models ({@link CoquiIcefallFrontend})
 * have rules of their own, to which {@link #sentences} hands the text.
 */
final class SherpaFrontend {

    private static final System.Logger LOG = System.getLogger(SherpaFrontend.class.getName());
    private static final String DEFAULT_PUNCTUATION = "; : , . ! ? ¡ ¿ — … \" « » “ ”";

    /** How text becomes tokens. */
    enum Kind { LEXICON, CHARACTERS }

    /** A problem with one of the voice's files; {@code file} says which: {@code metadata}, tokens or lexicon. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final Which which;

        Invalid(Which which, String message) {
            super(message);
            this.which = which;
        }
    }

    /** The file a problem is in. */
    enum Which { MODEL, TOKENS, LEXICON }

    /** One sentence's ids, and where it starts in the text; MeloTTS models also take a tone per id. */
    record Sentence(int textOffset, long[] ids, long[] tones) {
        Sentence(int textOffset, long[] ids) {
            this(textOffset, ids, null);
        }
    }

    final Kind kind;
    final int sampleRate;
    final int speakers;
    final boolean addBlank;
    final String language;
    final String comment;
    private final Map<String, Long> tokens;
    private final Map<String, long[]> lexicon;
    private final Set<Integer> punctuation;
    private final Long space;
    private final long maxId;
    private final String owner;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /** The front end of a Chinese or MeloTTS model ({@link SherpaChinese}), which reads its text instead. */
    private SherpaChinese chinese;
    /**
     * The sentences of a front end with other rules ({@link CoquiIcefallFrontend}, {@link SherpaChinese}), else
     * {@code null}.
     */
    private java.util.function.Function<String, List<Sentence>> delegate;

    private SherpaFrontend(Kind kind, int sampleRate, int speakers, boolean addBlank, String language,
                           String comment, Map<String, Long> tokens, Map<String, long[]> lexicon,
                           Set<Integer> punctuation, String owner) {
        this.kind = kind;
        this.sampleRate = sampleRate;
        this.speakers = speakers;
        this.addBlank = addBlank;
        this.language = language;
        this.comment = comment;
        this.tokens = tokens;
        this.lexicon = lexicon;
        this.punctuation = punctuation;
        this.space = tokens.get(" ");
        this.maxId = tokens.values().stream().mapToLong(Long::longValue).max().orElse(0);
        this.owner = owner;
    }

    /** Returns whether the metadata names a character model (no lexicon). */
    static boolean characters(Map<String, String> metadata) {
        return "mms".equals(metadata.getOrDefault("comment", "").strip())
                || "characters".equals(metadata.getOrDefault("frontend", "").strip());
    }

    /**
     * Reads a voice.
     *
     * @param lexicon {@code lexicon.txt}'s contents, or {@code null} for a character model
     * @param owner   names the voice in warnings
     * @throws Invalid naming the metadata key or the file and line at fault
     */
    static SherpaFrontend of(Map<String, String> metadata, byte[] tokensTxt, byte[] lexicon, String owner)
            throws Invalid {
        Kind kind = characters(metadata) ? Kind.CHARACTERS : Kind.LEXICON;
        int sampleRate = SherpaTokens.integer(metadata, "sample_rate", null, 1, Integer.MAX_VALUE);
        int speakers = SherpaTokens.integer(metadata, "n_speakers", 1, 0, Integer.MAX_VALUE);
        int blank = SherpaTokens.integer(metadata, "add_blank", 0, 0, Integer.MAX_VALUE);
        if (blank > 1) {
            throw new Invalid(Which.MODEL, "metadata add_blank: '" + blank + "' (expected: 0 or 1)");
        }
        Map<String, Long> tokens = tokens(tokensTxt);
        if (SherpaChinese.mode(metadata) != null) {
            SherpaChinese zh = SherpaChinese.of(metadata, tokens, lexicon, speakers, blank == 1, owner);
            SherpaFrontend f = new SherpaFrontend(Kind.LEXICON, sampleRate, Math.max(1, speakers), false,
                    zh.language, metadata.getOrDefault("comment", "").strip(), tokens, Map.of(), Set.of(), owner);
            f.chinese = zh;
            f.delegate = zh::sentences;
            return f;
        }
        Map<String, long[]> words = kind == Kind.LEXICON ? lexicon(lexicon, tokens) : Map.of();
        Set<Integer> punctuation = new HashSet<>();
        String marks = metadata.getOrDefault("punctuation", DEFAULT_PUNCTUATION);
        for (String mark : marks.strip().split("\\s+")) {
            if (mark.codePointCount(0, mark.length()) == 1) {
                punctuation.add(mark.codePointAt(0));
            }
        }
        return new SherpaFrontend(kind, sampleRate, Math.max(1, speakers), blank == 1,
                language(metadata.getOrDefault("language", "")), metadata.getOrDefault("comment", "").strip(),
                tokens, words, punctuation, owner);
    }

    /** Returns whether the model takes a tone per id (MeloTTS). */
    boolean takesTones() {
        return chinese != null && chinese.mode == SherpaChinese.Mode.MELO;
    }

    /** Returns the speaker id a model runs with for {@code requested}: MeloTTS may fix it in its metadata. */
    long speakerId(long requested) {
        return chinese == null ? requested : chinese.speakerId(requested);
    }

    /** Returns the largest token id. */
    long maxId() {
        return maxId;
    }

    /**
     * Returns a front end whose sentences come from {@code sentences} (set once, before it is shared), for the
     * models whose rules are {@link CoquiIcefallFrontend}'s.
     *
     * @param ids every id the model may be given, by symbol, for the load-time check of the largest
     */
    static SherpaFrontend delegating(Map<String, String> metadata, int sampleRate, int speakers, Map<String, Long> ids,
                                     java.util.function.Function<String, List<Sentence>> sentences, String owner) {
        SherpaFrontend f = new SherpaFrontend(Kind.CHARACTERS, sampleRate, Math.max(1, speakers), false,
                language(metadata.getOrDefault("language", "")), metadata.getOrDefault("comment", "").strip(),
                Map.copyOf(ids), Map.of(), Set.of(), owner);
        f.delegate = sentences;
        return f;
    }

    /** Returns the sentences of {@code text} as model ids; sentences without a token are left out. */
    List<Sentence> sentences(String text) {
        if (delegate != null) {
            return delegate.apply(text);
        }
        String lower = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
        List<Sentence> out = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        int sentenceStart = -1;
        int i = 0;
        while (i < lower.length()) {
            int cp = lower.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean end = cp == '.' || cp == '!' || cp == '?';
            if (kind == Kind.CHARACTERS) {
                Long id = tokens.get(Character.toString(cp));
                if (id != null) {
                    if (sentenceStart < 0 && !Character.isWhitespace(cp)) {
                        sentenceStart = i;
                    }
                    if (sentenceStart >= 0) {
                        ids.add(id);
                    }
                } else if (!Character.isWhitespace(cp)) {
                    warnOnce(Character.toString(cp), "character '" + Character.toString(cp)
                            + "' is not in tokens.txt; skipped");
                }
                i = next;
            } else if (Character.isWhitespace(cp)) {
                i = next;
            } else if (punctuation.contains(cp) || !Character.isLetterOrDigit(cp) && cp != '\'') {
                Long id = tokens.get(Character.toString(cp));
                if (id != null && sentenceStart >= 0) {
                    ids.add(id);
                }
                i = next;
            } else {
                int s = i;
                while (i < lower.length()) {
                    int c = lower.codePointAt(i);
                    if (Character.isWhitespace(c) || punctuation.contains(c)
                            || !Character.isLetterOrDigit(c) && c != '\'') {
                        break;
                    }
                    i += Character.charCount(c);
                }
                if (word(lower.substring(s, i), ids) && sentenceStart < 0) {
                    sentenceStart = s;
                }
                continue;
            }
            if (end && sentenceStart >= 0) {
                flush(out, ids, sentenceStart);
                sentenceStart = -1;
            }
        }
        if (sentenceStart >= 0) {
            flush(out, ids, sentenceStart);
        }
        return out;
    }

    private boolean word(String w, List<Long> ids) {
        long[] pron = lexicon.get(w);
        if (pron == null) {
            List<Long> spelled = new ArrayList<>();
            for (int j = 0; j < w.length(); ) {
                int c = w.codePointAt(j);
                j += Character.charCount(c);
                long[] letter = lexicon.get(Character.toString(c));
                if (letter == null) {
                    spelled = null;
                    break;
                }
                for (long id : letter) {
                    spelled.add(id);
                }
            }
            if (spelled == null) {
                warnOnce(w, "word '" + w + "' is not in lexicon.txt and cannot be spelled from it; skipped");
                return false;
            }
            ids.addAll(spelled);
        } else {
            for (long id : pron) {
                ids.add(id);
            }
        }
        if (space != null) {
            ids.add(space);
        }
        return true;
    }

    private void flush(List<Sentence> out, List<Long> ids, int start) {
        if (kind == Kind.LEXICON && space != null && !ids.isEmpty() && ids.getLast().equals(space)) {
            ids.removeLast();
        }
        if (ids.isEmpty()) {
            return;
        }
        long[] a;
        if (addBlank) {
            a = new long[ids.size() * 2 + 1];
            for (int k = 0; k < ids.size(); k++) {
                a[2 * k + 1] = ids.get(k);
            }
        } else {
            a = ids.stream().mapToLong(Long::longValue).toArray();
        }
        out.add(new Sentence(start, a));
        ids.clear();
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}", owner, message);
        }
    }

    private static Map<String, Long> tokens(byte[] contents) throws Invalid {
        Map<String, Long> map = new HashMap<>();
        String[] lines = new String(contents, StandardCharsets.UTF_8).split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            if (line.isEmpty()) {
                continue;
            }
            int cut = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
            String symbol = cut < 0 ? "" : cut == 0 ? " " : line.substring(0, cut);
            long id;
            try {
                id = Long.parseLong(line.substring(cut + 1).strip());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (symbol.isEmpty() || id < 0) {
                throw new Invalid(Which.TOKENS, "line " + (n + 1) + ": '" + line
                        + "' (expected: a symbol, a space and an id >= 0)");
            }
            map.putIfAbsent(symbol, id);
        }
        if (map.isEmpty()) {
            throw new Invalid(Which.TOKENS, "no symbols (expected: one 'SYMBOL ID' line per symbol)");
        }
        return Map.copyOf(map);
    }

    private static Map<String, long[]> lexicon(byte[] contents, Map<String, Long> tokens) throws Invalid {
        Map<String, long[]> map = new HashMap<>();
        SherpaLexicon.read(contents, tokens, false, w -> w.toLowerCase(Locale.ROOT))
                .forEach((word, pron) -> map.put(word, pron.ids()));
        return Map.copyOf(map);
    }

    /** Returns a BCP-47 tag for the metadata's language, a code ({@code en}, {@code eng}) or a name (English). */
    private static String language(String value) {
        String v = value.strip();
        if (v.isEmpty()) {
            return "und";
        }
        for (String code : Locale.getISOLanguages()) {
            if (Locale.of(code).getDisplayLanguage(Locale.ENGLISH).equalsIgnoreCase(v)) {
                return code;
            }
        }
        try {
            Locale l = new Locale.Builder().setLanguageTag(v.replace('_', '-')).build();
            return l.getLanguage().isEmpty() ? "und" : l.toLanguageTag();
        } catch (IllformedLocaleException e) {
            return "und";
        }
    }
}

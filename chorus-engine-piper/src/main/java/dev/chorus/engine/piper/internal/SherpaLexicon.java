package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.internal.SherpaFrontend.Invalid;
import dev.chorus.engine.piper.internal.SherpaFrontend.Which;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code lexicon.txt} of sherpa-onnx's VITS models (the lexicon front end, Chinese and MeloTTS), read as sherpa-onnx
 * reads it: one {@code WORD TOKEN TOKEN ...} line per word, or for MeloTTS {@code WORD PHONE ... PHONE TONE ... TONE}
 * (as many tones as phones, each 0 to {@value #MAX_TONE}). Words are lower-cased as the caller looks them up; the
 * first line of a word wins. Unlike sherpa-onnx, which skips such lines silently, a line with a token that
 * {@code tokens.txt} lacks, a MeloTTS line with an odd number of fields or a bad tone is refused, naming the line.
 */
final class SherpaLexicon {

    /** The largest MeloTTS tone sherpa-onnx accepts. */
    static final int MAX_TONE = 50;

    /** One word's token ids and, for MeloTTS, a tone per id ({@code null} otherwise). */
    record Pron(long[] ids, long[] tones) {
    }

    private SherpaLexicon() {
    }

    /**
     * Reads a lexicon.
     *
     * @param tones whether lines carry tones (MeloTTS)
     * @param lower how a word is lower-cased, the same way the caller lower-cases the text it looks up
     * @throws Invalid naming the line at fault
     */
    static Map<String, Pron> read(byte[] contents, Map<String, Long> tokens, boolean tones,
                                  UnaryOperator<String> lower) throws Invalid {
        Map<String, Pron> map = new HashMap<>();
        String[] lines = new String(contents, StandardCharsets.UTF_8).split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            int fields = parts.length - 1;
            if (fields == 0 || tones && fields % 2 != 0) {
                throw new Invalid(Which.LEXICON, "line " + (n + 1) + ": '" + line + "' (expected: "
                        + (tones ? "a word, its phones and as many tones" : "a word followed by its tokens") + ")");
            }
            int phones = tones ? fields / 2 : fields;
            long[] ids = new long[phones];
            long[] toneIds = tones ? new long[phones] : null;
            for (int k = 0; k < phones; k++) {
                Long id = tokens.get(parts[k + 1]);
                if (id == null) {
                    throw new Invalid(Which.LEXICON, "line " + (n + 1) + ": token '" + parts[k + 1]
                            + "' is not in tokens.txt");
                }
                ids[k] = id;
                if (tones) {
                    toneIds[k] = tone(parts[k + 1 + phones], n, line);
                }
            }
            map.putIfAbsent(lower.apply(parts[0]), new Pron(ids, toneIds));
        }
        if (map.isEmpty()) {
            throw new Invalid(Which.LEXICON, "no words (expected: one '" + (tones ? "WORD PHONE ... TONE ..."
                    : "WORD TOKEN ...") + "' line per word)");
        }
        return map;
    }

    private static long tone(String field, int n, String line) throws Invalid {
        try {
            int t = Integer.parseInt(field);
            if (t >= 0 && t <= MAX_TONE) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid(Which.LEXICON, "line " + (n + 1) + ": tone '" + field + "' in '" + line
                + "' (expected: a tone from 0 to " + MAX_TONE + ")");
    }

    /** Lower-cases ASCII letters only, as sherpa-onnx does with lexicon words and Chinese text. */
    static String lowerAscii(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return b == null ? s : b.toString();
    }

    /** Lower-cases all letters, as sherpa-onnx does with the text of MeloTTS models. */
    static String lowerAll(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}

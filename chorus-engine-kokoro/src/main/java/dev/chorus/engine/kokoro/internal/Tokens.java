package dev.chorus.engine.kokoro.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kokoro's vocabulary from {@code tokens.txt} (one {@code SYMBOL ID} line per symbol, as sherpa-onnx writes it; the
 * symbol may be a space), and the encoding of IPA phonemes into ids: one id per code point, symbols the vocabulary
 * lacks are dropped (as Kokoro does), and the pad id 0 goes before and after.
 */
final class Tokens {

    /** One run's ids and the index of the first id of each word (ids after a space). */
    record Encoded(long[] ids, int[] wordStarts) {
        /** Returns the ids between the two pads. */
        int inner() {
            return ids.length - 2;
        }
    }

    private final Map<Integer, Long> ids;
    private final long space;
    private final long maxId;

    private Tokens(Map<Integer, Long> ids) {
        this.ids = ids;
        this.space = ids.getOrDefault((int) ' ', -1L);
        this.maxId = ids.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * Parses {@code tokens.txt}.
     *
     * @throws IllegalArgumentException naming the line that does not fit
     */
    static Tokens parse(byte[] contents) {
        return new Tokens(dev.chorus.onnx.speech.TokensFile.parse(contents));
    }

    /** Returns the largest id, which a test run feeds the model. */
    long maxId() {
        return maxId;
    }

    /** Returns the id of a symbol, if the vocabulary has it. */
    Long id(int codePoint) {
        return ids.get(codePoint);
    }

    /** Encodes IPA phonemes; returns ids with pads, or ids of only the pads when nothing is speakable. */
    Encoded encode(String phonemes) {
        List<Long> out = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        out.add(0L);
        boolean atWordStart = true;
        for (int i = 0; i < phonemes.length(); ) {
            int cp = phonemes.codePointAt(i);
            i += Character.charCount(cp);
            Long id = ids.get(cp);
            if (Character.isWhitespace(cp)) {
                atWordStart = true;
                if (space >= 0 && out.size() > 1 && out.getLast() != space) {
                    out.add(space);
                }
                continue;
            }
            if (id == null) {
                continue;
            }
            if (atWordStart && Character.isLetter(cp) || atWordStart && (cp == 'ˈ' || cp == 'ˌ')) {
                starts.add(out.size());
                atWordStart = false;
            }
            out.add(id);
        }
        if (out.size() > 1 && out.getLast() == space) {
            out.removeLast();
        }
        out.add(0L);
        return new Encoded(out.stream().mapToLong(Long::longValue).toArray(),
                starts.stream().mapToInt(Integer::intValue).toArray());
    }
}

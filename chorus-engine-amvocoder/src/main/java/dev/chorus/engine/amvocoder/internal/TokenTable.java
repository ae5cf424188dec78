package dev.chorus.engine.amvocoder.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary of {@code tokens.txt} (one {@code SYMBOL ID} line per symbol, as sherpa-onnx writes it; the space
 * symbol's line is {@code "  ID"}) and the encoding of IPA phonemes: one id per code point the vocabulary has, and,
 * when the model asks for it ({@code add_blank}), the pad id between and around them.
 */
final class TokenTable {

    /** A run's ids and the index of the first id of each word. */
    record Encoded(long[] ids, int[] wordStarts) {
    }

    private final Map<Integer, Long> ids;
    private final long maxId;

    private TokenTable(Map<Integer, Long> ids) {
        this.ids = ids;
        this.maxId = ids.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * Parses {@code tokens.txt}.
     *
     * @throws IllegalArgumentException naming the line that does not fit
     */
    static TokenTable parse(byte[] contents) {
        return new TokenTable(dev.chorus.onnx.speech.TokensFile.parse(contents));
    }

    long maxId() {
        return maxId;
    }

    /** Encodes phonemes; {@code blank} is the pad id to put between and around ids, or -1 for none. */
    Encoded encode(String phonemes, long blank) {
        List<Long> out = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        boolean atWordStart = true;
        Long space = ids.get((int) ' ');
        if (blank >= 0) {
            out.add(blank);
        }
        for (int i = 0; i < phonemes.length(); ) {
            int cp = phonemes.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp)) {
                atWordStart = true;
                if (space == null || out.isEmpty() || lastReal(out, blank) == space) {
                    continue;
                }
            }
            Long id = Character.isWhitespace(cp) ? space : ids.get(cp);
            if (id == null) {
                continue;
            }
            if (atWordStart && !Character.isWhitespace(cp)) {
                starts.add(out.size());
                atWordStart = false;
            }
            out.add(id);
            if (blank >= 0) {
                out.add(blank);
            }
        }
        return new Encoded(out.stream().mapToLong(Long::longValue).toArray(),
                starts.stream().mapToInt(Integer::intValue).toArray());
    }

    private static long lastReal(List<Long> out, long blank) {
        int i = out.size() - 1;
        if (blank >= 0 && i > 0) {
            i--;
        }
        return out.get(i);
    }
}

package dev.chorus.engine.piper.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads what sherpa-onnx reads for its Coqui and icefall VITS models besides the model: {@code tokens.txt} and the
 * metadata's integers, each problem named as a {@link SherpaFrontend.Invalid} with the file, line or key.
 */
final class SherpaTokens {

    private static final Set<String> SPECIAL = Set.of("<PAD>", "<EOS>", "<BOS>", "<BLNK>");

    private SherpaTokens() {
    }

    /**
     * Returns the one-character symbols of tokens.txt by code point, read as sherpa-onnx reads them:
     * {@code SYMBOL ID} per line, a line with only an id is the space, the special symbols are skipped. Every
     * symbol (special ones too) also goes to {@code all}.
     */
    static Map<Integer, Long> read(byte[] contents, Map<String, Long> all) throws SherpaFrontend.Invalid {
        Map<Integer, Long> map = new HashMap<>();
        String[] lines = new String(contents, StandardCharsets.UTF_8).split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.strip().split("[ \t]+");
            String symbol = fields.length == 1 ? " " : fields[0];
            long id = -1;
            if (fields.length <= 2) {
                try {
                    id = Long.parseLong(fields[fields.length - 1]);
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            if (id < 0) {
                throw new SherpaFrontend.Invalid(SherpaFrontend.Which.TOKENS, "line " + (n + 1) + ": '" + line
                        + "' (expected: a symbol, a space and an id >= 0)");
            }
            all.putIfAbsent(symbol, id);
            if (SPECIAL.contains(symbol)) {
                continue;
            }
            if (symbol.codePointCount(0, symbol.length()) != 1) {
                throw new SherpaFrontend.Invalid(SherpaFrontend.Which.TOKENS, "line " + (n + 1) + ": symbol '"
                        + symbol + "' (expected: one character, or one of " + String.join(" ", SPECIAL.stream()
                        .sorted().toList()) + ")");
            }
            Long before = map.putIfAbsent(symbol.codePointAt(0), id);
            if (before != null) {
                throw new SherpaFrontend.Invalid(SherpaFrontend.Which.TOKENS, "line " + (n + 1) + ": symbol '"
                        + symbol + "' appears twice (first with id " + before + ")");
            }
        }
        if (map.isEmpty()) {
            throw new SherpaFrontend.Invalid(SherpaFrontend.Which.TOKENS, "no symbols (expected: one 'SYMBOL ID' "
                    + "line per symbol)");
        }
        return Map.copyOf(map);
    }

    /**
     * Returns the metadata's integer {@code key}, between {@code min} and {@code max}.
     *
     * @param fallback the value when the key is missing, or {@code null} when it is required
     */
    static int integer(Map<String, String> metadata, String key, Integer fallback, int min, int max)
            throws SherpaFrontend.Invalid {
        String v = metadata.get(key);
        String expected = max == 1 ? "0 or 1" : "an integer >= " + min;
        if (v == null) {
            if (fallback == null) {
                throw new SherpaFrontend.Invalid(SherpaFrontend.Which.MODEL, "metadata " + key + ": missing (expected: "
                        + expected + ")");
            }
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SherpaFrontend.Invalid(SherpaFrontend.Which.MODEL, "metadata " + key + ": '" + v + "' (expected: "
                + expected + ")");
    }
}

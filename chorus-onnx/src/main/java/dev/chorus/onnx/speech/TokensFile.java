package dev.chorus.onnx.speech;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code tokens.txt} vocabulary that sherpa-onnx writes beside a model: one {@code SYMBOL ID} line per symbol,
 * separated by a space or a tab; the symbol is one code point and may itself be a space (the line is then
 * {@code "  ID"}). Shared by every model family that reads one.
 */
public final class TokensFile {

    private TokensFile() {
    }

    /**
     * Parses {@code contents} into ids by code point.
     *
     * @throws IllegalArgumentException naming the line that does not fit, or when there is no symbol at all
     */
    public static Map<Integer, Long> parse(byte[] contents) {
        Map<Integer, Long> map = new HashMap<>();
        String[] lines = new String(contents, StandardCharsets.UTF_8).split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            if (line.isEmpty()) {
                continue;
            }
            // What comes before the last separator is the symbol: for the space symbol, " ".
            int cut = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
            String symbol = cut < 0 ? "" : cut == 0 ? " " : line.substring(0, cut);
            long id;
            try {
                id = Long.parseLong(line.substring(cut + 1).strip());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (symbol.codePointCount(0, symbol.length()) != 1 || id < 0) {
                throw new IllegalArgumentException("line " + (n + 1) + ": '" + line
                        + "' (expected: one symbol, a space and an id >= 0)");
            }
            map.put(symbol.codePointAt(0), id);
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("no symbols (expected: one 'SYMBOL ID' line per symbol)");
        }
        return map;
    }

    /**
     * Parses {@code contents} as a vocabulary of multi-character symbols without spaces (a recognizer's
     * {@code tokens.txt}: {@code <blank> 0}, {@code hel@@ 7}, {@code 你 3}) into symbols by id.
     *
     * @throws IllegalArgumentException naming the line that does not fit, or when there is no symbol at all
     */
    public static Map<Long, String> parseSymbols(byte[] contents) {
        Map<Long, String> map = new HashMap<>();
        String[] lines = new String(contents, StandardCharsets.UTF_8).split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("[ \t]+");
            long id;
            try {
                id = parts.length == 2 ? Long.parseLong(parts[1]) : -1;
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (id < 0) {
                throw new IllegalArgumentException("line " + (n + 1) + ": '" + line
                        + "' (expected: a symbol, a space and an id >= 0)");
            }
            map.put(id, parts[0]);
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("no symbols (expected: one 'SYMBOL ID' line per symbol)");
        }
        return map;
    }
}

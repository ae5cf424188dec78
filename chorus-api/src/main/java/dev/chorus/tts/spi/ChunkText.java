package dev.chorus.tts.spi;

import dev.chorus.tts.InvalidInputException;

/** The checks every engine applies to a chunk's text before synthesizing it, so all engines reject alike. */
public final class ChunkText {

    /** Longest chunk an engine accepts, in UTF-16 chars; the runtime splits longer text into sentences first. */
    public static final int MAX_CHUNK_CHARS = 10_000;

    private ChunkText() {
    }

    /**
     * Checks that {@code text} is non-blank, at most {@link #MAX_CHUNK_CHARS} long, and free of control
     * characters other than tab, line feed and carriage return.
     *
     * @return {@code text}
     * @throws InvalidInputException naming what is wrong
     */
    public static String validate(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("input", "input: empty text (expected: at least one character to speak)");
        }
        if (text.length() > MAX_CHUNK_CHARS) {
            throw new InvalidInputException("input", "input: " + text.length() + " characters (expected: <= "
                    + MAX_CHUNK_CHARS + " per chunk)");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                throw new InvalidInputException("input", String.format(
                        "input: control character U+%04X at index %d (expected: printable text)", (int) c, i));
            }
        }
        return text;
    }
}

package dev.chorus.testing;

import java.util.List;

/**
 * One small change to a document, for fuzzing parsers with nearly valid input: delete a character, insert one,
 * or duplicate a slice of up to 40 characters. Positions are fractions of the document's length, so one edit
 * applies to a document of any size. A property test draws the four fields (kind 0 to 2, fractions 0 to 1, a
 * character from its markup alphabet) and builds edits with the canonical constructor.
 *
 * @param kind 0 deletes, 1 inserts {@code c}, anything else duplicates a slice
 * @param position where, as a fraction of the length, from 0 to 1
 * @param length how long a duplicated slice is, as a fraction of 40 characters
 * @param c the character an insertion adds
 */
public record SsmlEdit(int kind, double position, double length, char c) {

    /** Applies this edit to {@code s} in place. */
    public void apply(StringBuilder s) {
        int at = (int) (position * s.length());
        switch (kind) {
            case 0 -> {
                if (at < s.length()) {
                    s.deleteCharAt(at);
                }
            }
            case 1 -> s.insert(at, c);
            default -> {
                int end = Math.min(s.length(), at + (int) (length * 40));
                s.insert(end, s.substring(at, end));
            }
        }
    }

    /** Returns {@code document} with {@code edits} applied in order. */
    public static String applyAll(String document, List<SsmlEdit> edits) {
        StringBuilder s = new StringBuilder(document);
        for (SsmlEdit edit : edits) {
            edit.apply(s);
        }
        return s.toString();
    }
}

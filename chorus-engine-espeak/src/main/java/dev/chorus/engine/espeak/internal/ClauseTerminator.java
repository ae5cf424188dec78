package dev.chorus.engine.espeak.internal;

/**
 * Recovers the punctuation that ended a clause from the clause's own text. eSpeak 1.51's
 * {@code espeak_TextToPhonemes} returns a clause's phonemes but not what ended it (the {@code WithTerminator}
 * variant is newer), so the phonemizer looks at the text the call consumed.
 */
final class ClauseTerminator {

    /** Marks that end a clause in the scripts eSpeak reads: Latin, CJK full-width, Arabic, Devanagari, Greek. */
    private static final String CLAUSE_MARKS = ".,?!;:…‼⁇⁈⁉。、，！？；：،؛؟।॥·";

    private ClauseTerminator() {
    }

    /**
     * Returns the run of clause punctuation at the end of {@code clause} ({@code ","}, {@code "."}, {@code "?!"},
     * {@code "..."}), looking past trailing spaces and closing quotes or brackets; empty if there is none.
     */
    static String of(String clause) {
        int end = clause.length();
        while (end > 0 && (Character.isWhitespace(clause.codePointBefore(end))
                || isClosing(clause.codePointBefore(end)))) {
            end -= Character.charCount(clause.codePointBefore(end));
        }
        int start = end;
        while (start > 0 && CLAUSE_MARKS.indexOf(clause.codePointBefore(start)) >= 0) {
            start -= Character.charCount(clause.codePointBefore(start));
        }
        return clause.substring(start, end);
    }

    private static boolean isClosing(int cp) {
        int type = Character.getType(cp);
        return cp == '"' || cp == '\'' || type == Character.END_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION;
    }
}

package dev.chorus.ssml;

/**
 * Walks the raw document alongside the XML parser, one markup item per parser event, to know the exact offsets of
 * every tag and run of character data. The parser has already checked each item's well-formedness by the time it
 * reports the event, so the scanner only needs to find where the item ends.
 */
final class SourceScanner {

    private final String source;
    private int pos;

    SourceScanner(String source) {
        this.source = source;
    }

    /** Returns the offset of the first char not yet consumed. */
    int pos() {
        return pos;
    }

    /**
     * Steps over an XML declaration at the very start, which the parser reports no event for. Its values are
     * quoted, and a {@code ?>} inside quotes does not end it.
     */
    void skipXmlDeclaration() {
        if (!source.startsWith("<?xml", 0) || source.length() <= 5 || !isXmlSpace(source.charAt(5))) {
            return;
        }
        char quote = 0;
        for (int i = 5; i < source.length(); i++) {
            char c = source.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (source.startsWith("?>", i)) {
                pos = i + 2;
                return;
            }
        }
    }

    /** Steps over character data and CDATA sections up to the next other markup; returns the new position. */
    int skipCharacterData() {
        int i = pos;
        int n = source.length();
        while (i < n) {
            int lt = source.indexOf('<', i);
            if (lt < 0) {
                i = n;
                break;
            }
            if (!source.startsWith("<![CDATA[", lt)) {
                i = lt;
                break;
            }
            int end = source.indexOf("]]>", lt + 9);
            i = end < 0 ? n : end + 3;
        }
        pos = i;
        return i;
    }

    /**
     * Steps over the start tag at the current position.
     *
     * @return whether the tag is an empty-element tag ({@code <x/>})
     */
    boolean startTag() {
        expect("<");
        int n = source.length();
        char quote = 0;
        for (int i = pos + 1; i < n; i++) {
            char c = source.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                pos = i + 1;
                return source.charAt(i - 1) == '/';
            }
        }
        throw outOfStep("an unterminated start tag");
    }

    /** Steps over the end tag at the current position. */
    void endTag() {
        expect("</");
        pos = after(source.indexOf('>', pos + 2), 1, "an unterminated end tag");
    }

    /** Steps over the comment at the current position. */
    void comment() {
        expect("<!--");
        pos = after(source.indexOf("-->", pos + 4), 3, "an unterminated comment");
    }

    /** Steps over the processing instruction at the current position. */
    void processingInstruction() {
        expect("<?");
        pos = after(source.indexOf("?>", pos + 2), 2, "an unterminated processing instruction");
    }

    static boolean isXmlSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private void expect(String markup) {
        if (!source.startsWith(markup, pos)) {
            throw outOfStep("\"" + markup + "\"");
        }
    }

    private int after(int index, int length, String what) {
        if (index < 0) {
            throw outOfStep(what);
        }
        return index + length;
    }

    private IllegalStateException outOfStep(String expected) {
        return new IllegalStateException("SSML source scanner out of step with the XML parser at offset " + pos
                + ": expected " + expected);
    }
}

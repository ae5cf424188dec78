package dev.chorus.engine.hmm.bridge;

/** Builds the RAWMARYXML document MaryTTS reads a sentence from. */
final class MaryXmlInput {

    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<maryxml version=\"0.5\" xmlns=\"http://mary.dfki.de/2002/MaryXML\" xml:lang=\"en-US\">";

    private MaryXmlInput() {
    }

    /**
     * Returns {@code text} with each character XML cannot carry (control characters, lone surrogates, U+FFFE and
     * U+FFFF) replaced by one space, so offsets into the result are offsets into {@code text}.
     */
    static String sanitize(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                i++;
            } else if (!isXmlChar(c)) {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.setCharAt(i, ' ');
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * Returns sanitized {@code text} as RAWMARYXML, wrapped in a prosody element unless the rate is normal.
     */
    static String rawMaryXml(String text, SpeechRate rate) {
        StringBuilder xml = new StringBuilder(text.length() + 200).append(HEAD);
        if (!rate.isNormal()) {
            xml.append("<prosody rate=\"").append(rate.prosodyRate()).append("\">");
        }
        appendEscaped(xml, text);
        if (!rate.isNormal()) {
            xml.append("</prosody>");
        }
        return xml.append("</maryxml>").toString();
    }

    private static void appendEscaped(StringBuilder xml, String text) {
        String clean = sanitize(text);
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            switch (c) {
                case '&' -> xml.append("&amp;");
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                default -> xml.append(c);
            }
        }
    }

    // XML 1.0 characters; a surrogate is valid only as half of a pair, which the caller checks.
    private static boolean isXmlChar(char c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return true;
        }
        return c >= 0x20 && c <= 0xFFFD && !Character.isSurrogate(c);
    }
}

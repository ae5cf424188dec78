package dev.chorus.ssml;

import java.util.List;
import java.util.Random;

/**
 * Builds random SSML documents from the supported elements. In strict mode every document is valid within the
 * default limits; in loose mode attribute values come from a pool of valid and invalid ones.
 */
final class SsmlGenerator {

    private static final List<String> WORDS = List.of("hello", "world", "Tom", "&amp;", "Jerry", "&lt;3", "&#233;t&#xE9;",
            "\uD83D\uDE00", "12/25", "a.", "B!", "&quot;x&apos;", "naïve", "日本語", "x\u0301", ">", "'", "\"");
    private static final List<String> SPACES = List.of(" ", "  ", "\n", "\r\n", "\t", "\n    ", "\r");
    private static final List<String> RATES = List.of("medium", "90%", "110%", "+10%", "-10%", "1.0", "default");
    private static final List<String> PITCHES = List.of("medium", "+1st", "-1st", "+5%", "-5%", "+10Hz", "default");
    private static final List<String> VOLUMES = List.of("medium", "+1dB", "-1dB", "soft", "silent", "default");
    private static final List<String> TIMES = List.of("0ms", "100ms", "250ms", "0.5s", "1s");
    private static final List<String> STRENGTHS = List.of("none", "x-weak", "weak", "medium", "strong", "x-strong");
    private static final List<String> LEVELS = List.of("strong", "moderate", "reduced", "none");
    private static final List<String> LANGUAGES = List.of("en", "en-US", "fr-FR", "de", "zh-Hans-CN");
    private static final List<String> IPA = List.of("təˈmɑːtəʊ", "a", "ˈhɛloʊ");
    private static final List<String> XSAMPA = List.of("t@\"mA:t@U", "a", "h@\"loU", "r\\ EI_0 tS");
    private static final List<String> LOOSE_VALUES = List.of("", " ", "fast", "x-fast", "500%", "-50%", "0", "1e3",
            "+99st", "-3st", "+30dB", "silent", "20s", "10s", "abc", "&amp;", "&lt;", "1.5", "NaN", "-1s", "en_US",
            "ipa", "x-sampa", "arpabet", "male", "robot", "strong", "\u00A0", "9".repeat(40));
    private static final List<String> LOOSE_NAMES = List.of("rate", "pitch", "volume", "time", "strength", "level",
            "name", "gender", "alias", "ph", "alphabet", "interpret-as", "format", "detail", "xml:lang", "languages",
            "src", "duration", "version", "foo");
    private static final String[] ELEMENTS = {"p", "s", "break", "prosody", "say-as", "sub", "phoneme", "voice",
        "lang", "mark", "emphasis", "audio", "v:ext", "paragraph", "sentence"};

    private final Random random;
    private final boolean strict;
    private final StringBuilder out = new StringBuilder();
    private int elements;
    private int silenceBreaks;

    private SsmlGenerator(Random random, boolean strict) {
        this.random = random;
        this.strict = strict;
    }

    /** Returns a valid document. */
    static String valid(long seed) {
        return new SsmlGenerator(new Random(seed), true).document();
    }

    /** Returns a well-formed document whose attribute values may be invalid. */
    static String loose(long seed) {
        return new SsmlGenerator(new Random(seed), false).document();
    }

    private String document() {
        if (random.nextInt(4) == 0) {
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            space();
        }
        if (random.nextInt(8) == 0) {
            out.append("<!-- head -->");
        }
        out.append("<speak");
        if (random.nextBoolean()) {
            out.append(" version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\"");
        }
        out.append(" xmlns:v=\"urn:vendor\"");
        if (random.nextBoolean()) {
            attribute("xml:lang", pick(LANGUAGES));
        }
        out.append('>');
        content(0, false, false);
        out.append("</speak>");
        if (random.nextInt(4) == 0) {
            space();
        }
        return out.toString();
    }

    private void content(int depth, boolean inParagraph, boolean inSentence) {
        int items = random.nextInt(depth == 0 ? 6 : 4);
        for (int i = 0; i < items; i++) {
            int choice = random.nextInt(10);
            if (choice < 4 || depth >= 6 || elements > 60) {
                text();
            } else if (choice == 4) {
                space();
            } else {
                element(depth, inParagraph, inSentence);
            }
        }
    }

    private void element(int depth, boolean inParagraph, boolean inSentence) {
        String name = ELEMENTS[random.nextInt(ELEMENTS.length)];
        if (strict && (name.equals("p") || name.equals("paragraph")) && (inParagraph || inSentence)
                || strict && (name.equals("s") || name.equals("sentence")) && inSentence) {
            name = "emphasis";
        }
        elements++;
        out.append('<').append(name);
        if (!strict) {
            int count = random.nextInt(3);
            for (int i = 0; i < count; i++) {
                String attribute = pick(LOOSE_NAMES);
                if (out.lastIndexOf(" " + attribute + "=") < out.lastIndexOf("<")) {
                    attribute(attribute, pick(LOOSE_VALUES));
                }
            }
            closeWithContent(name, depth, inParagraph || name.equals("p") || name.equals("paragraph"),
                    inSentence || name.equals("s") || name.equals("sentence"));
            return;
        }
        switch (name) {
            case "p", "paragraph", "s", "sentence" -> {
                if (random.nextBoolean()) {
                    attribute("xml:lang", pick(LANGUAGES));
                }
                boolean paragraph = name.startsWith("p");
                closeWithContent(name, depth, inParagraph || paragraph, inSentence || !paragraph);
            }
            case "break" -> {
                if (silenceBreaks++ < 40) {
                    if (random.nextBoolean()) {
                        attribute("time", pick(TIMES));
                    }
                    if (random.nextBoolean()) {
                        attribute("strength", pick(STRENGTHS));
                    }
                } else {
                    attribute("strength", "none");
                }
                emptyElement(name);
            }
            case "mark" -> {
                attribute("name", "m" + random.nextInt(100));
                emptyElement(name);
            }
            case "prosody" -> {
                optional("rate", RATES);
                optional("pitch", PITCHES);
                optional("volume", VOLUMES);
                closeWithContent(name, depth, inParagraph, inSentence);
            }
            case "emphasis" -> {
                optional("level", LEVELS);
                closeWithContent(name, depth, inParagraph, inSentence);
            }
            case "voice" -> {
                optional("name", List.of("amy", "en_US-lessac"));
                optional("gender", List.of("male", "female", "neutral"));
                optional("xml:lang", LANGUAGES);
                closeWithContent(name, depth, inParagraph, inSentence);
            }
            case "lang" -> {
                attribute("xml:lang", pick(LANGUAGES));
                closeWithContent(name, depth, inParagraph, inSentence);
            }
            case "audio" -> {
                attribute("src", "http://127.0.0.1:1/a.wav");
                out.append('>');
                content(depth + 1, inParagraph, inSentence);
                if (random.nextBoolean()) {
                    out.append("<desc>").append(pick(WORDS)).append("</desc>");
                    elements++;
                }
                out.append("</audio>");
            }
            case "say-as" -> {
                attribute("interpret-as", pick(List.of("characters", "cardinal", "date", "telephone")));
                optional("format", List.of("mdy", "ymd"));
                textOnly(name);
            }
            case "sub" -> {
                attribute("alias", pick(WORDS));
                textOnly(name);
            }
            case "phoneme" -> {
                if (random.nextBoolean()) {
                    attribute("alphabet", "x-sampa");
                    attribute("ph", pick(XSAMPA));
                } else {
                    optional("alphabet", List.of("ipa"));
                    attribute("ph", pick(IPA));
                }
                textOnly(name);
            }
            default -> closeWithContent(name, depth, inParagraph, inSentence);
        }
    }

    private void closeWithContent(String name, int depth, boolean inParagraph, boolean inSentence) {
        if (random.nextInt(6) == 0) {
            out.append("/>");
            return;
        }
        out.append('>');
        content(depth + 1, inParagraph, inSentence);
        out.append("</").append(name).append('>');
    }

    private void emptyElement(String name) {
        if (random.nextBoolean()) {
            out.append("/>");
        } else {
            out.append('>');
            if (random.nextBoolean()) {
                space();
            }
            out.append("</").append(name).append('>');
        }
    }

    private void textOnly(String name) {
        if (random.nextInt(5) == 0) {
            out.append("/>");
            return;
        }
        out.append('>');
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            if (random.nextInt(5) == 0) {
                out.append("<!-- c -->");
            }
            out.append(pick(WORDS));
        }
        out.append("</").append(name).append('>');
    }

    private void text() {
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            switch (random.nextInt(8)) {
                case 0 -> out.append("<!--").append(pick(WORDS).replace("-", "")).append("-->");
                case 1 -> out.append("<![CDATA[").append("<b> & c").append("]]>");
                case 2 -> out.append("<?pi data?>");
                default -> out.append(pick(WORDS));
            }
            if (random.nextBoolean()) {
                space();
            }
        }
    }

    private void space() {
        out.append(pick(SPACES));
    }

    private void optional(String name, List<String> values) {
        if (random.nextBoolean()) {
            attribute(name, pick(values));
        }
    }

    private void attribute(String name, String value) {
        out.append(' ').append(name).append("=\"").append(value.replace("\"", "&quot;")).append('"');
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}

package dev.chorus.runtime;

import java.util.List;
import java.util.Random;

/**
 * Builds random, well-formed SSML documents from every element the runtime supports, for the step engine's voices.
 *
 * <p>In strict mode every attribute value is valid and prosody stays within range, so the only reasons the runtime
 * may refuse a document are a {@code <voice>} that names no installed voice ({@link Doc#namesUnknownVoice()}) or a
 * document with nothing to speak. In loose mode attribute values also come from a pool of invalid ones.
 */
final class RandomSsml {

    /** Voice names the step engine knows: ids, engine-local names, and the alias its test registry defines. */
    static final List<String> KNOWN_VOICES = List.of("step:fast", "step:slow", "slow", "fast", "narrator");
    /** Voice names no engine knows. */
    static final List<String> UNKNOWN_VOICES = List.of("step:none", "hmm:cmu-slt-hsmm", "espeak:en-us", "nobody",
            "step:fast@9");

    private static final List<String> WORDS = List.of("hello", "world", "Tom", "&amp;", "&lt;3", "&#233;t&#xE9;",
            "\uD83D\uDE00", "12/25/2026", "a.", "B!", "&quot;x&apos;", "naïve", "日本語", "你好", "2026年", "x\u0301",
            ">", "'", "\"", "$5.20", "Dr.", "3rd", "k8s", "42%", "10:30", "...", "?", "\u2014", "https://example.com/a",
            "1,000", "IV", "NASA", "e.g.", "5 km", "-7", "3/4", "+1 (555) 123-4567", "¥12", "第3", "20:45:10", "",
            "<![CDATA[<b> & c]]>", "<!-- note -->", "<?pi data?>", "\u00A0", "\t");
    private static final List<String> SPACES = List.of(" ", "  ", "\n", "\r\n", "\t", "\n    ");
    private static final List<String> RATES = List.of("x-slow", "slow", "medium", "fast", "x-fast", "default",
            "90%", "150%", "+10%", "-20%", "1.2", "0.8");
    private static final List<String> PITCHES = List.of("x-low", "low", "medium", "high", "x-high", "default",
            "+2st", "-3st", "+10%", "-10%", "+20Hz", "-20Hz", "180Hz");
    private static final List<String> VOLUMES = List.of("silent", "x-soft", "soft", "medium", "loud", "x-loud",
            "default", "+3dB", "-6dB");
    private static final List<String> TIMES = List.of("0ms", "10ms", "100ms", "250ms", "0.3s", ".2s");
    private static final List<String> STRENGTHS = List.of("none", "x-weak", "weak", "medium", "strong", "x-strong");
    private static final List<String> LEVELS = List.of("strong", "moderate", "reduced", "none");
    private static final List<String> LANGUAGES = List.of("en", "en-US", "en-GB", "zh", "zh-CN", "zh-Hans-CN", "cmn",
            "fr-FR", "de", "ja");
    private static final List<String> IPA = List.of("təˈmɑːtəʊ", "a", "ˈhɛloʊ", "ni˧˥ xɑʊ˨˩˦");
    private static final List<String> XSAMPA = List.of("t@\"mA:t@U", "a", "h@\"loU", "r\\ EI_0 tS");
    private static final List<String> LOOSE_VALUES = List.of("", " ", "fast", "x-fast", "500%", "-50%", "0", "1e3",
            "+99st", "-3st", "+30dB", "silent", "20s", "10s", "abc", "&amp;", "&lt;", "1.5", "NaN", "-1s", "en_US",
            "ipa", "x-sampa", "arpabet", "male", "robot", "strong", "\u00A0", "9".repeat(40), "step:fast", "zh");

    /** {@code interpret-as} values, each with the formats it takes ({@code null}: no format attribute). */
    private static final List<List<String>> SAY_AS = List.of(
            List.of("cardinal"), List.of("number"), List.of("ordinal"), List.of("characters"),
            List.of("spell-out"), List.of("digits"),
            List.of("date", "mdy", "dmy", "ymd", "md", "dm", "ym", "my", "y", "m", "d", "xyz"),
            List.of("time", "hms12", "hms24"), List.of("telephone"),
            List.of("currency", "USD", "EUR", "GBP", "JPY", "INR", "CNY", "RMB", "XYZ"),
            List.of("fraction"), List.of("unit"), List.of("expletive"), List.of("verbatim"));
    private static final List<String> SAY_AS_TEXT = List.of("12/25/2026", "2026-11-25", "25.12.26", "11/25", "2026",
            "7", "21:30", "9:05 pm", "12:00:59", "+1 (555) 123-4567", "5.20", "$5", "1,234.5", "-7", "3rd", "3/4",
            "5 km", "AB12", "第3", "hello", "二零", "99999999999999999999", "0.000001", "\uD83D\uDE00", "&amp;", "");

    private final Random random;
    private final boolean strict;
    private final StringBuilder out = new StringBuilder();
    private int elements;
    private int breaks;
    private boolean unknownVoice;

    private RandomSsml(Random random, boolean strict) {
        this.random = random;
        this.strict = strict;
    }

    /** A document and whether it names an unknown voice. */
    record Doc(String ssml, boolean namesUnknownVoice) {
    }

    /** Returns a valid document. */
    static Doc strict(long seed) {
        return new RandomSsml(new Random(seed), true).document();
    }

    /** Returns a well-formed document whose attribute values may be invalid. */
    static Doc loose(long seed) {
        return new RandomSsml(new Random(seed), false).document();
    }

    private Doc document() {
        if (random.nextInt(4) == 0) {
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            space();
        }
        out.append("<speak");
        if (random.nextBoolean()) {
            out.append(" version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\"");
        }
        if (random.nextInt(4) == 0) {
            out.append(" xmlns:v=\"urn:vendor\"");
        }
        if (random.nextInt(3) == 0) {
            attribute("xml:lang", pick(LANGUAGES));
        }
        out.append('>');
        content(0, false, false, new Prosody(1.0, 0.0, 0.0));
        out.append("</speak>");
        return new Doc(out.toString(), unknownVoice);
    }

    /** The prosody in force, so that strict documents stay within the runtime's ranges. */
    private record Prosody(double rate, double pitch, double volume) {
    }

    private void content(int depth, boolean inParagraph, boolean inSentence, Prosody prosody) {
        int items = 1 + random.nextInt(depth == 0 ? 6 : 3);
        for (int i = 0; i < items; i++) {
            int choice = random.nextInt(10);
            if (choice < 4 || depth >= 6 || elements > 40) {
                text();
            } else if (choice == 4) {
                space();
            } else {
                element(depth, inParagraph, inSentence, prosody);
            }
        }
    }

    private void element(int depth, boolean inParagraph, boolean inSentence, Prosody prosody) {
        String[] names = {"p", "s", "paragraph", "sentence", "break", "prosody", "say-as", "sub", "phoneme", "voice",
            "lang", "mark", "emphasis", "audio", "v:ext"};
        String name = names[random.nextInt(names.length)];
        if (name.equals("v:ext") && out.indexOf("xmlns:v=") < 0) {
            name = "emphasis";
        }
        if ((name.equals("p") || name.equals("paragraph")) && (inParagraph || inSentence)
                || (name.equals("s") || name.equals("sentence")) && inSentence) {
            name = "prosody";
        }
        elements++;
        out.append('<').append(name);
        switch (name) {
            case "p", "paragraph", "s", "sentence" -> {
                if (random.nextInt(3) == 0) {
                    attribute("xml:lang", value(LANGUAGES));
                }
                boolean paragraph = name.startsWith("p");
                close(name, depth, inParagraph || paragraph, inSentence || !paragraph, prosody);
            }
            case "break" -> {
                if (breaks++ < 20) {
                    if (random.nextBoolean()) {
                        attribute("time", value(TIMES));
                    }
                    if (random.nextInt(3) == 0) {
                        attribute("strength", value(STRENGTHS));
                    }
                } else {
                    attribute("strength", "none");
                }
                empty(name);
            }
            case "mark" -> {
                attribute("name", random.nextInt(5) == 0 ? "m " + random.nextInt(10) + " ü" : "m" + random.nextInt(100));
                empty(name);
            }
            case "prosody" -> close(name, depth, inParagraph, inSentence, prosody(prosody));
            case "emphasis" -> {
                if (random.nextBoolean()) {
                    attribute("level", value(LEVELS));
                }
                double factor = 0.9;
                close(name, depth, inParagraph, inSentence,
                        new Prosody(Math.clamp(prosody.rate() * factor, 0.25, 4.0), prosody.pitch(),
                                Math.min(20.0, prosody.volume() + 3.0)));
            }
            case "voice" -> {
                int kind = random.nextInt(10);
                if (kind < 5) {
                    attribute("name", pick(KNOWN_VOICES));
                } else if (kind == 5) {
                    unknownVoice = true;
                    attribute("name", pick(UNKNOWN_VOICES));
                } else if (kind < 8) {
                    attribute("languages", pick(LANGUAGES) + (random.nextBoolean() ? " " + pick(LANGUAGES) : ""));
                }
                if (random.nextBoolean()) {
                    attribute("gender", value(List.of("male", "female", "neutral")));
                }
                if (random.nextInt(4) == 0) {
                    attribute("xml:lang", value(LANGUAGES));
                }
                close(name, depth, inParagraph, inSentence, prosody);
            }
            case "lang" -> {
                attribute("xml:lang", value(LANGUAGES));
                close(name, depth, inParagraph, inSentence, prosody);
            }
            case "audio" -> {
                attribute("src", "http://127.0.0.1:1/a.wav");
                out.append('>');
                content(depth + 1, inParagraph, inSentence, prosody);
                if (random.nextBoolean()) {
                    out.append("<desc>").append(pick(WORDS)).append("</desc>");
                    elements++;
                }
                out.append("</audio>");
            }
            case "say-as" -> {
                List<String> kind = pick(SAY_AS);
                attribute("interpret-as", strict ? kind.getFirst() : value(List.of(kind.getFirst())));
                if (kind.size() > 1 && random.nextInt(4) != 0) {
                    attribute("format", kind.get(1 + random.nextInt(kind.size() - 1)));
                }
                if (random.nextInt(4) == 0) {
                    attribute("detail", "1");
                }
                textOnly(name, SAY_AS_TEXT);
            }
            case "sub" -> {
                attribute("alias", pick(WORDS));
                textOnly(name, WORDS);
            }
            case "phoneme" -> {
                if (random.nextBoolean()) {
                    attribute("alphabet", "x-sampa");
                    attribute("ph", strict ? pick(XSAMPA) : value(XSAMPA));
                } else {
                    if (random.nextBoolean()) {
                        attribute("alphabet", "ipa");
                    }
                    attribute("ph", pick(IPA));
                }
                textOnly(name, WORDS);
            }
            default -> close(name, depth, inParagraph, inSentence, prosody);
        }
    }

    /** Writes a {@code <prosody>}'s attributes and returns the prosody in force inside it. */
    private Prosody prosody(Prosody outer) {
        double rate = outer.rate();
        double pitch = outer.pitch();
        double volume = outer.volume();
        if (random.nextBoolean()) {
            String v = pick(RATES);
            double r = switch (v) {
                case "x-slow" -> 0.5;
                case "slow" -> 0.75;
                case "fast" -> 1.25;
                case "x-fast" -> 1.75;
                case "default" -> 1.0 / rate;
                case "90%" -> 0.9;
                case "150%" -> 1.5;
                case "+10%" -> 1.1;
                case "-20%" -> 0.8;
                case "1.2" -> 1.2;
                case "0.8" -> 0.8;
                default -> 1.0;
            };
            if (rate * r >= 0.3 && rate * r <= 3.5 || !strict) {
                attribute("rate", value(List.of(v)));
                rate *= r;
            }
        }
        if (random.nextBoolean()) {
            String v = pick(PITCHES);
            double p = switch (v) {
                case "x-low" -> -6;
                case "low" -> -3;
                case "high" -> 3;
                case "x-high" -> 6;
                case "default" -> -pitch;
                case "+2st" -> 2;
                case "-3st" -> -3;
                case "+10%" -> 1.7;
                case "-10%" -> -1.9;
                case "+20Hz" -> 1.7;
                case "-20Hz" -> -1.9;
                case "180Hz" -> -1.9;
                default -> 0;
            };
            if (Math.abs(pitch + p) <= 11 || !strict) {
                attribute("pitch", value(List.of(v)));
                pitch += p;
            }
        }
        if (random.nextBoolean()) {
            String v = pick(VOLUMES);
            double d = switch (v) {
                case "loud" -> 6;
                case "x-loud" -> 10;
                case "+3dB" -> 3;
                case "default" -> -volume;
                default -> 0;
            };
            if (volume + d <= 16 || !strict) {
                attribute("volume", value(List.of(v)));
                volume += d;
            }
        }
        return new Prosody(rate, pitch, volume);
    }

    private void close(String name, int depth, boolean inParagraph, boolean inSentence, Prosody prosody) {
        if (random.nextInt(8) == 0) {
            out.append("/>");
            return;
        }
        out.append('>');
        content(depth + 1, inParagraph, inSentence, prosody);
        out.append("</").append(name).append('>');
    }

    private void empty(String name) {
        if (random.nextBoolean()) {
            out.append("/>");
        } else {
            out.append("></").append(name).append('>');
        }
    }

    private void textOnly(String name, List<String> texts) {
        if (random.nextInt(6) == 0) {
            out.append("/>");
            return;
        }
        out.append('>').append(plain(pick(texts)));
        if (random.nextInt(4) == 0) {
            out.append(' ').append(plain(pick(texts)));
        }
        out.append("</").append(name).append('>');
    }

    /** Returns {@code text}, or a letter in place of markup that a text-only element may not hold. */
    private static String plain(String text) {
        return text.startsWith("<") ? "x" : text;
    }

    private void text() {
        int parts = 1 + random.nextInt(5);
        for (int i = 0; i < parts; i++) {
            out.append(pick(WORDS));
            if (random.nextInt(3) != 0) {
                space();
            }
        }
        if (random.nextInt(3) == 0) {
            out.append(pick(List.of(".", "!", "?", "。", ",", ";")));
            space();
        }
    }

    private void space() {
        out.append(pick(SPACES));
    }

    /** Returns a value from {@code valid}, or in loose mode sometimes one from the pool of invalid values. */
    private String value(List<String> valid) {
        return !strict && random.nextInt(4) == 0 ? pick(LOOSE_VALUES) : pick(valid);
    }

    private void attribute(String name, String value) {
        out.append(' ').append(name).append("=\"").append(value.replace("&", "&amp;").replace("\"", "&quot;")
                .replace("<", "&lt;")).append('"');
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}

package dev.chorus.ssml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.chorus.testing.SsmlEdit;
import dev.chorus.tts.InvalidInputException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Whatever the input, the parser returns a document or throws {@link InvalidInputException}, within a second; for
 * valid documents, every segment's offsets are in bounds, in order, and cover the source of its text.
 */
class SsmlFuzzTest {

    private static final SsmlParser PARSER = new SsmlParser();
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ssml-fuzz");
        thread.setDaemon(true);
        return thread;
    });
    private static final String MARKUP = "<>/=\"'&;#!?-[]: \n\r\tspeakbrtimexlng0123456789%";

    @AfterContainer
    static void shutDown() {
        EXECUTOR.shutdownNow();
    }

    @Property(tries = 1000)
    void randomStringsNeverCrashTheParser(@ForAll("randomStrings") String input) {
        parseSafely(input);
    }

    @Property(tries = 1000)
    void randomContentInsideSpeakNeverCrashesTheParser(@ForAll("randomStrings") String content) {
        parseSafely("<speak>" + content + "</speak>");
    }

    @Property(tries = 600)
    void generatedDocumentsParseWithOrderedOffsetsThatCoverTheirText(@ForAll long seed) {
        String ssml = SsmlGenerator.valid(seed);
        SsmlDocument doc = parseSafely(ssml);
        assertThat(doc).as("valid document rejected:%n%s", ssml).isNotNull();
        int previousEnd = 0;
        for (Segment segment : doc.segments()) {
            int start;
            int end;
            switch (segment) {
                case Segment.Text text -> {
                    start = text.sourceStart();
                    end = text.sourceEnd();
                    String raw = ssml.substring(start, end);
                    String expected = text.style().substitutedFrom() != null ? text.style().substitutedFrom()
                            : text.text();
                    assertThat(decode(raw)).as("source of %s in%n%s", text, ssml).isEqualTo(expected);
                }
                case Segment.Break pause -> {
                    start = pause.sourceStart();
                    end = pause.sourceEnd();
                    assertThat(ssml.substring(start, end)).startsWith("<break");
                }
                case Segment.Mark mark -> {
                    start = mark.sourceStart();
                    end = mark.sourceEnd();
                    assertThat(ssml.substring(start, end)).startsWith("<mark name=\"" + mark.name() + "\"");
                }
                case Segment.Boundary ignored -> {
                    continue;
                }
            }
            assertThat(start).as("start of %s in%n%s", segment, ssml).isGreaterThanOrEqualTo(previousEnd);
            assertThat(end).isBetween(start, ssml.length());
            previousEnd = end;
        }
    }

    @Property(tries = 600)
    void looselyGeneratedDocumentsParseOrFailCleanly(@ForAll long seed) {
        parseSafely(SsmlGenerator.loose(seed));
    }

    @Property(tries = 1000)
    void mutatedDocumentsParseOrFailCleanly(@ForAll long seed, @ForAll("edits") List<SsmlEdit> edits) {
        parseSafely(SsmlEdit.applyAll(SsmlGenerator.valid(seed), edits));
    }

    @Provide
    Arbitrary<String> randomStrings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(MARKUP).ofMaxLength(200),
                Arbitraries.strings().all().ofMaxLength(100),
                Arbitraries.strings().withChars(MARKUP).withCharRange('\u0000', '\u00ff')
                        .withChars('\uD800', '\uDC00', '\uFEFF', '\uFFFE').ofMaxLength(200));
    }

    @Provide
    Arbitrary<List<SsmlEdit>> edits() {
        Arbitrary<SsmlEdit> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1),
                Arbitraries.chars().with(MARKUP).with('\u0000', '\uD800', '\uFEFF')).as(SsmlEdit::new);
        return edit.list().ofMinSize(1).ofMaxSize(6);
    }

    /** Parses within a second; returns the document, or {@code null} if the input was rejected cleanly. */
    private static SsmlDocument parseSafely(String input) {
        Future<SsmlDocument> result = EXECUTOR.submit(() -> PARSER.parse(input));
        try {
            return result.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidInputException invalid) {
                assertThat(invalid.param()).isEqualTo("input");
                assertThat(invalid.getMessage()).startsWith("SSML ");
                return null;
            }
            throw new AssertionError("unexpected exception for input: " + input, e.getCause());
        } catch (TimeoutException e) {
            result.cancel(true);
            return fail("parsing took more than a second: " + input);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Decodes raw SSML source: drops tags, comments, processing instructions and {@code <desc>} elements; decodes
     * CDATA and references.
     */
    static String decode(String raw) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (raw.startsWith("<!--", i)) {
                i = raw.indexOf("-->", i + 4) + 3;
            } else if (raw.startsWith("<![CDATA[", i)) {
                int end = raw.indexOf("]]>", i);
                out.append(raw, i + 9, end);
                i = end + 3;
            } else if (raw.startsWith("<desc>", i)) {
                i = raw.indexOf("</desc>", i) + "</desc>".length();
            } else if (raw.startsWith("<?", i)) {
                i = raw.indexOf("?>", i + 2) + 2;
            } else if (c == '<') {
                char quote = 0;
                i++;
                while (quote != 0 || raw.charAt(i) != '>') {
                    char t = raw.charAt(i);
                    if (quote == 0 && (t == '"' || t == '\'')) {
                        quote = t;
                    } else if (t == quote) {
                        quote = 0;
                    }
                    i++;
                }
                i++;
            } else if (c == '&') {
                int end = raw.indexOf(';', i);
                String name = raw.substring(i + 1, end);
                switch (name) {
                    case "amp" -> out.append('&');
                    case "lt" -> out.append('<');
                    case "gt" -> out.append('>');
                    case "quot" -> out.append('"');
                    case "apos" -> out.append('\'');
                    default -> out.appendCodePoint(name.startsWith("#x") ? Integer.parseInt(name.substring(2), 16)
                            : Integer.parseInt(name.substring(1)));
                }
                i = end + 1;
            } else if (c == '\r') {
                out.append('\n');
                i += raw.startsWith("\r\n", i) ? 2 : 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}

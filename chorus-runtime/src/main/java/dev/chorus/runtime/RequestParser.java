package dev.chorus.runtime;

import dev.chorus.ssml.SsmlDocument;
import dev.chorus.ssml.SsmlLimits;
import dev.chorus.ssml.SsmlParser;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;

import java.util.Objects;
import java.util.function.Function;

/**
 * Checks a request's input once and decides how it is read: its length and characters, then plain text or SSML
 * (parsed here, under the SSML limits). Everything downstream (content rules, voice routing, the planner) reads
 * the {@link ParsedRequest}. Thread-safe.
 */
public final class RequestParser {

    private final int maxInputChars;
    private final Function<String, SsmlDocument> ssml;

    /** Creates a parser for inputs of at most {@code maxInputChars} characters and SSML within {@code limits}. */
    public RequestParser(int maxInputChars, SsmlLimits limits) {
        this(maxInputChars, new SsmlParser(limits)::parse);
    }

    /** Creates a parser that reads SSML with {@code ssml} (which throws for a document it refuses). */
    public RequestParser(int maxInputChars, Function<String, SsmlDocument> ssml) {
        if (maxInputChars < 1) {
            throw new IllegalArgumentException("maxInputChars: " + maxInputChars + " (expected: >= 1)");
        }
        this.maxInputChars = maxInputChars;
        this.ssml = Objects.requireNonNull(ssml, "ssml");
    }

    /** Returns a parser with the same SSML limits for inputs of at most {@code max} characters. */
    public RequestParser withMaxInputChars(int max) {
        return new RequestParser(max, ssml);
    }

    /** Returns the longest input accepted, in characters. */
    public int maxInputChars() {
        return maxInputChars;
    }

    /** Parses a request whose text came in the field {@code input}. */
    public ParsedRequest parse(SynthesisRequest request) {
        return parse(request, "input");
    }

    /**
     * Checks and parses {@code request}; {@code field} names where its text came from, for messages.
     *
     * @throws InvalidInputException for text that is too long, empty or has control characters, and for SSML the
     *                               parser refuses (with its line and column)
     */
    public ParsedRequest parse(SynthesisRequest request, String field) {
        String text = request.text();
        check(text, field);
        TextOptions.Format format = request.textOptions().format();
        boolean markup = format == TextOptions.Format.SSML
                || (format == TextOptions.Format.AUTO && SsmlParser.looksLikeSsml(text));
        return new ParsedRequest(request, markup ? ssml.apply(text) : null);
    }

    private void check(String text, String field) {
        if (text.length() > maxInputChars) {
            throw new InvalidInputException(field, field + ": " + text.length() + " characters (expected: at most "
                    + maxInputChars + ")");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : Character.isISOControl(c)) {
                throw new InvalidInputException(field, String.format(
                        "%s: control character U+%04X at index %d (expected: printable text)", field, (int) c, i));
            }
        }
        if (text.isBlank()) {
            throw new InvalidInputException(field, field + ": empty text (expected: at least one word to speak)");
        }
    }
}

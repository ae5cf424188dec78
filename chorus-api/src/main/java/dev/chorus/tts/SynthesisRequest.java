package dev.chorus.tts;

import java.time.Duration;
import java.util.Objects;

/**
 * One request to turn text into audio, as the runtime receives it from any protocol.
 *
 * @param text       the text to speak (plain text)
 * @param voice      a voice id ({@code engine:name}), or {@code null} for the default voice
 * @param options    engine-side controls
 * @param encoding   the output encoding
 * @param sampleRate the output sample rate in Hz, or 0 for the voice's native rate
 * @param timeout    how long the whole synthesis may take, or {@code null} for the runtime's default
 * @param textOptions how the text is read (plain or SSML, normalization, lexicon)
 * @param priority   how urgent the request is: higher runs first when chunks queue for an engine, and lower is
 *                   refused first when an engine is nearly full (default 0; negative values are background work)
 */
public record SynthesisRequest(String text, String voice, SynthesisOptions options, AudioEncoding encoding,
                               int sampleRate, Duration timeout, TextOptions textOptions, int priority) {

    public SynthesisRequest {
        Objects.requireNonNull(text, "text");
        options = options == null ? SynthesisOptions.defaults() : options;
        encoding = encoding == null ? AudioEncoding.WAV : encoding;
        textOptions = textOptions == null ? TextOptions.defaults() : textOptions;
        if (sampleRate < 0) {
            throw new InvalidInputException("sample_rate", "sample_rate: " + sampleRate + " (expected: >= 0)");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new InvalidInputException("timeout", "timeout: " + timeout + " (expected: > 0)");
        }
    }

    /** A request at the default priority, 0. */
    public SynthesisRequest(String text, String voice, SynthesisOptions options, AudioEncoding encoding,
                            int sampleRate, Duration timeout, TextOptions textOptions) {
        this(text, voice, options, encoding, sampleRate, timeout, textOptions, 0);
    }

    /** A request with the default text options. */
    public SynthesisRequest(String text, String voice, SynthesisOptions options, AudioEncoding encoding,
                            int sampleRate, Duration timeout) {
        this(text, voice, options, encoding, sampleRate, timeout, null, 0);
    }

    /** Returns a copy with the given text options. */
    public SynthesisRequest withTextOptions(TextOptions t) {
        return new SynthesisRequest(text, voice, options, encoding, sampleRate, timeout, t, priority);
    }

    /** Returns a copy with the given priority (higher first; see the record's description). */
    public SynthesisRequest withPriority(int p) {
        return new SynthesisRequest(text, voice, options, encoding, sampleRate, timeout, textOptions, p);
    }

    /** Returns a request for {@code text} on {@code voice} with every other setting at its default. */
    public static SynthesisRequest of(String text, String voice) {
        return new SynthesisRequest(text, voice, null, null, 0, null);
    }
}

package dev.chorus.service;

import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.TextOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * A speech request as a front end received it, before anything is checked or resolved.
 *
 * @param text       the text or SSML document to speak
 * @param field      the name of the field the text came in, for messages ({@code input}, {@code text}, ...)
 * @param model      the model asked for, or {@code null}: an OpenAI model name (any voice) or an engine id
 * @param voice      the voice asked for as sent (an id, {@code id@version}, an alias, an engine's own name), or
 *                   {@code null} for the default voice (of the language, when one is given)
 * @param options    speed, language, pitch and volume
 * @param encoding   the output encoding
 * @param sampleRate the output rate in Hz, 0 for the format's default
 * @param textOptions how the input is read: plain or SSML, normalization, pronunciations
 * @param timeout    the deadline, or {@code null} for the service's
 * @param noCache    whether the request asked for a fresh synthesis outside the audio cache
 */
public record SpeechInput(String text, String field, String model, String voice, SynthesisOptions options,
                          AudioEncoding encoding, int sampleRate, TextOptions textOptions, Duration timeout,
                          boolean noCache) {

    public SpeechInput {
        Objects.requireNonNull(text, "text");
        field = field == null ? "input" : field;
        options = options == null ? SynthesisOptions.defaults() : options;
        encoding = encoding == null ? AudioEncoding.WAV : encoding;
        textOptions = textOptions == null ? TextOptions.defaults() : textOptions;
    }

    /** Returns an input of {@code text} for {@code voice} with every other setting at its default. */
    public static SpeechInput of(String text, String voice) {
        return new SpeechInput(text, "input", null, voice, null, null, 0, null, null, false);
    }

    /** Returns a copy with the output {@code encoding}. */
    public SpeechInput withEncoding(AudioEncoding e) {
        return new SpeechInput(text, field, model, voice, options, e, sampleRate, textOptions, timeout, noCache);
    }
}

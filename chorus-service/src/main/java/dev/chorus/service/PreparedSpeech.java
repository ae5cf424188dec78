package dev.chorus.service;

import dev.chorus.runtime.ParsedRequest;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;

import java.util.Objects;

/**
 * A request prepared once by {@link SpeechService#prepare}: its input checked and, when SSML, parsed under the
 * limits; the language that routed it; and the voice it resolved to. Every stage reads this; none reads the
 * raw input again. Immutable.
 *
 * @param input           the request as the front end received it
 * @param parsed          the checked request, with the resolved voice's id, and its parsed SSML document if any
 * @param voice           the voice the request resolved to
 * @param routingLanguage the language that chose the voice (the request's, or the SSML document's when no voice
 *                        was named), or {@code null}
 */
public record PreparedSpeech(SpeechInput input, ParsedRequest parsed, VoiceInfo voice, String routingLanguage) {

    public PreparedSpeech {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(parsed, "parsed");
        Objects.requireNonNull(voice, "voice");
    }

    /** Returns the runtime request: the input with the resolved voice's id. */
    public SynthesisRequest request() {
        return parsed.request();
    }

    /** Returns the voice as the client named it (may be an alias), or {@code null}. */
    public String askedVoice() {
        return input.voice();
    }

    /** Returns the number of input characters, which tenants' limits count. */
    public int characters() {
        return input.text().length();
    }

    /** Returns a copy routed to {@code other}, as when a voice disappeared and its alias now stands for another. */
    public PreparedSpeech withVoice(VoiceInfo other) {
        return new PreparedSpeech(input, parsed.withVoice(other.id()), other, routingLanguage);
    }
}

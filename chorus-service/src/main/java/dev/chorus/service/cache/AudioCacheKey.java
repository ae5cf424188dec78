package dev.chorus.service.cache;

import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.Pronunciation;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceInfo;

/**
 * What makes two requests' audio the same: the voice and its version (a reloaded voice gets a new version, so its
 * old entries are never served again), every synthesis parameter and the input text. How the audio is framed (raw
 * bytes, SSE, speech marks, gRPC) is not part of it: one recording serves every framing, timings included.
 *
 * @param voice      the voice id
 * @param version    the voice's version
 * @param input      the input text or SSML, as sent
 * @param options    speed, language, pitch and volume
 * @param encoding   the output encoding
 * @param sampleRate the output rate, resolved (never 0)
 * @param text       input format, normalization and the request's own lexicon
 */
public record AudioCacheKey(String voice, String version, String input, SynthesisOptions options, AudioEncoding encoding,
                     int sampleRate, TextOptions text) {

    /** Returns the key of {@code request} on {@code voice}. */
    public static AudioCacheKey of(SynthesisRequest request, VoiceInfo voice) {
        return new AudioCacheKey(voice.id(), voice.version(), request.text(), request.options(), request.encoding(),
                request.encoding().outputRate(request.sampleRate(), voice.sampleRate()), request.textOptions());
    }

    /**
     * Returns an unambiguous text form of the key (every variable part carries its length), which names and checks
     * the entry's file in the disk tier.
     */
    String canonical() {
        StringBuilder b = new StringBuilder(input.length() + 128);
        field(b, voice);
        field(b, version);
        field(b, encoding.id());
        field(b, Integer.toString(sampleRate));
        field(b, Double.toString(options.speed()));
        field(b, options.language() == null ? "-" : "=" + options.language());
        field(b, Double.toString(options.pitch()));
        field(b, Double.toString(options.volume()));
        field(b, text.format().name());
        field(b, Boolean.toString(text.normalize()));
        field(b, Integer.toString(text.lexicon().size()));
        for (Pronunciation p : text.lexicon()) {
            field(b, p.match());
            field(b, Boolean.toString(p.regex()));
            field(b, p.alias() == null ? "-" : "=" + p.alias());
            field(b, p.phoneme() == null ? "-" : "=" + p.phoneme());
        }
        field(b, input);
        return b.toString();
    }

    private static void field(StringBuilder b, String s) {
        b.append(s.length()).append(':').append(s).append(';');
    }
}

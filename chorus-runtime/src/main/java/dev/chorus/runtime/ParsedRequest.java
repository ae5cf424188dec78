package dev.chorus.runtime;

import dev.chorus.ssml.SsmlDocument;
import dev.chorus.tts.SynthesisRequest;

import java.util.Objects;

/**
 * A request whose input was checked and, when it is SSML, parsed: what the planner reads, so nothing parses the
 * input a second time. Made by {@link RequestParser}.
 *
 * @param request the request as sent, with the voice it is to be spoken with
 * @param ssml    the parsed document, or {@code null} when the input is read as plain text
 */
public record ParsedRequest(SynthesisRequest request, SsmlDocument ssml) {

    public ParsedRequest {
        Objects.requireNonNull(request, "request");
    }

    /** Tells whether the input is read as SSML. */
    public boolean isSsml() {
        return ssml != null;
    }

    /** Returns the language the SSML document declares ({@code xml:lang}), or {@code null}. */
    public String documentLanguage() {
        return ssml == null ? null : ssml.language();
    }

    /** Returns a copy spoken with voice {@code id}. */
    public ParsedRequest withVoice(String id) {
        SynthesisRequest r = request;
        return new ParsedRequest(new SynthesisRequest(r.text(), id, r.options(), r.encoding(), r.sampleRate(),
                r.timeout(), r.textOptions(), r.priority()), ssml);
    }

    /** Returns a copy with the scheduling priority {@code p} (higher first). */
    public ParsedRequest withPriority(int p) {
        return p == request.priority() ? this : new ParsedRequest(request.withPriority(p), ssml);
    }
}

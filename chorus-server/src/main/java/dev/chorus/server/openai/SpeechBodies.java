package dev.chorus.server.openai;

import dev.chorus.service.ApiException;
import dev.chorus.service.SpeechInput;

/**
 * Reads the speech fields of a body shaped like {@code POST /v1/audio/speech}'s, for other routes that take them
 * (long-form jobs): the same fields, checks and messages.
 */
public final class SpeechBodies {

    private SpeechBodies() {
    }

    /**
     * Parses a job's body (UTF-8 JSON) into the pipeline's input; streaming choices ({@code stream_format: sse},
     * {@code response_format: json_marks}) do not apply to a job and are refused.
     *
     * @throws ApiException (400) naming the field at fault
     */
    public static SpeechInput jobInput(byte[] body) {
        SpeechRequest r = SpeechRequest.parse(body);
        if (r.sse()) {
            throw ApiException.badRequest("invalid_value", "stream_format", "stream_format: 'sse' (expected: "
                    + "audio or none; a job's audio is fetched when it is done)");
        }
        if (r.marks()) {
            throw ApiException.badRequest("invalid_value", "response_format", "response_format: '"
                    + SpeechRequest.SPEECH_MARKS + "' (expected: an audio format; a job's marks come with its status)");
        }
        return r.toInput();
    }
}

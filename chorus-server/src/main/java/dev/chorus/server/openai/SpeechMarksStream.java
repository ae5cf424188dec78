package dev.chorus.server.openai;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.server.SpeechMarks;
import dev.chorus.tts.ChorusException;

import java.nio.charset.StandardCharsets;

/**
 * The {@code response_format: json_marks} body: speech marks instead of audio, one JSON object per line in the
 * shape Amazon Polly's speech marks use — {@code {"time":370,"type":"word","start":6,"end":11,"value":"world"}} —
 * with {@code type} one of {@code sentence}, {@code word} and {@code ssml} (marks), {@code time} in milliseconds
 * from the start of the audio, and {@code start}/{@code end} as UTF-16 offsets into the input (Polly counts UTF-8
 * bytes; the two agree for ASCII). Chorus adds {@code "estimated": true} where the engine reported no timing.
 * The audio is synthesized (the timings come from it) but not sent.
 */
final class SpeechMarksStream extends HttpAudioStream {

    static final MediaType JSON_LINES = MediaType.parse("application/x-json-stream");

    SpeechMarksStream(ServiceRequestContext ctx) {
        super(ctx);
    }

    @Override
    MediaType contentType() {
        return JSON_LINES;
    }

    @Override
    boolean carriesTimings() {
        return true;
    }

    @Override
    void writeAudio(byte[] bytes) {
        // Speech marks carry no audio.
    }

    @Override
    void writeTiming(Timing t) {
        write(HttpData.of(StandardCharsets.UTF_8, SpeechMarks.line(t) + "\n"));
    }

    @Override
    void writeEnd(SynthesisSummary summary) {
    }

    /** A last line {@code {"time":MS,"type":"quality",...}}, at the end of the audio, with the signal checks. */
    @Override
    void writeQuality(dev.chorus.audio.SignalQuality q) {
        if (q == null) {
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode line =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        line.put("time", Math.round(q.seconds() * 1000));
        line.put("type", "quality");
        qualityFields(q).forEach((k, v) -> {
            if (v == null) {
                line.putNull(k);
            } else {
                line.put(k, v.doubleValue());
            }
        });
        write(HttpData.of(StandardCharsets.UTF_8, line + "\n"));
    }

    @Override
    void writeError(ChorusException error) {
        abort(error);
    }
}

package dev.chorus.server.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.server.SpeechMarks;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.tts.ChorusException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code stream_format: sse} body, in OpenAI's shapes: one {@code speech.audio.delta} event per run of audio
 * (base64 of the encoded bytes), then {@code speech.audio.done} with usage; on request, {@code speech.timing}
 * events (Chorus's own) for sentences, words and marks, each before or soon after the audio it points into, with
 * the speech-mark fields of {@link SpeechMarksStream} and the mark's type as {@code kind}. Each event is a single
 * {@code data:} line holding a JSON object whose {@code type} names the event. An error after the first event
 * sends {@code {"type":"error","error":{...}}} and ends the stream.
 *
 * <p>Usage: Chorus has no tokens, so {@code input_tokens} counts the characters spoken and {@code output_tokens}
 * the audio's 20 ms frames.
 */
final class SseAudioStream extends HttpAudioStream {

    private static final MediaType EVENT_STREAM = MediaType.parse("text/event-stream; charset=utf-8");

    private final boolean timings;

    /** A stream that carries {@code speech.timing} events too when {@code timings} is set. */
    SseAudioStream(ServiceRequestContext ctx, boolean timings) {
        super(ctx);
        this.timings = timings;
    }

    @Override
    MediaType contentType() {
        return EVENT_STREAM;
    }

    @Override
    boolean carriesTimings() {
        return timings;
    }

    @Override
    void writeTiming(Timing t) {
        // The event's type names the event; the speech mark's own type (sentence, word, ssml) becomes its kind.
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("type", "speech.timing");
        SpeechMarks.fill(e, t, "kind");
        e.put("sample_offset", t.sampleOffset());
        send(e);
    }

    @Override
    void writeAudio(byte[] bytes) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("type", "speech.audio.delta");
        e.put("audio", Base64.getEncoder().encodeToString(bytes));
        send(e);
    }

    @Override
    void writeEnd(SynthesisSummary summary) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("type", "speech.audio.done");
        ObjectNode usage = e.putObject("usage");
        long in = summary.characters();
        long out = (long) Math.ceil(summary.audioSeconds() * 50);
        usage.put("input_tokens", in);
        usage.put("output_tokens", out);
        usage.put("total_tokens", in + out);
        if (wantsQuality() && summary.quality() != null) {
            ObjectNode q = e.putObject("quality");
            qualityFields(summary.quality()).forEach((k, v) -> {
                if (v == null) {
                    q.putNull(k);
                } else {
                    q.put(k, v.doubleValue());
                }
            });
        }
        send(e);
    }

    @Override
    void writeQuality(dev.chorus.audio.SignalQuality q) {
        // In speech.audio.done.
    }

    @Override
    void writeError(ChorusException error) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("type", "error");
        e.set("error", ApiErrors.of(error).body().get("error"));
        try {
            send(e);
        } catch (IllegalStateException clientGone) {
            return;
        }
        close();
    }

    private void send(ObjectNode event) {
        write(HttpData.of(StandardCharsets.UTF_8, "data: " + event + "\n\n"));
    }
}

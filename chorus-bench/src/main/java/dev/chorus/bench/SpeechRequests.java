package dev.chorus.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.LongFunction;

/** Builds {@code POST /v1/audio/speech} requests, the OpenAI-compatible route every client uses. */
public final class SpeechRequests {

    private SpeechRequests() {
    }

    /** Returns request {@code i}: text {@code i} of {@code texts} (made unique when asked) on {@code voice}. */
    public static LongFunction<HttpRequest> of(URI speechUrl, String voice, String format, List<String> texts,
                                               boolean unique) {
        return i -> post(speechUrl, voice, format, Texts.pick(texts, i, unique));
    }

    /** Returns one speech request. */
    public static HttpRequest post(URI speechUrl, String voice, String format, String text) {
        String body = "{\"model\":\"tts-1\",\"input\":" + Json.quote(text)
                + (voice == null ? "" : ",\"voice\":" + Json.quote(voice))
                + ",\"response_format\":" + Json.quote(format) + "}";
        return HttpRequest.newBuilder(speechUrl).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}

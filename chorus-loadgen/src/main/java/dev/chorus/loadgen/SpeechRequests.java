package dev.chorus.loadgen;

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
        return i -> post(speechUrl, voice, format, Texts.pick(texts, i, unique), unique);
    }

    /** Returns one speech request. */
    public static HttpRequest post(URI speechUrl, String voice, String format, String text) {
        return post(speechUrl, voice, format, text, false);
    }

    /**
     * Returns one speech request; a {@code fresh} one also asks the server not to use its audio caches (the
     * response cache and the sentence cache), so it measures synthesis.
     */
    public static HttpRequest post(URI speechUrl, String voice, String format, String text, boolean fresh) {
        String body = "{\"model\":\"tts-1\",\"input\":" + Json.quote(text)
                + (voice == null ? "" : ",\"voice\":" + Json.quote(voice))
                + ",\"response_format\":" + Json.quote(format) + "}";
        HttpRequest.Builder b = HttpRequest.newBuilder(speechUrl).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (fresh) {
            b.header("Cache-Control", "no-cache");
        }
        return b.build();
    }
}

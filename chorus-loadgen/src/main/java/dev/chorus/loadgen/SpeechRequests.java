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

    /**
     * Returns call {@code i} of a mixed workload, what a soak runs: in turn MP3, WAV, Opus, raw PCM, FLAC and AAC
     * audio, server-sent events (MP3, and PCM with word timings), a two-sentence text at another speed, and one in
     * ten a three-sentence WAV that the client closes after its first audio. Texts as {@link #of}.
     */
    public static LongFunction<LoadGenerator.Call> mixed(URI speechUrl, String voice, List<String> texts,
                                                         boolean unique) {
        return i -> {
            String text = Texts.pick(texts, i, unique);
            int kind = (int) (i % 10);
            String extra = switch (kind) {
                case 6 -> ",\"stream_format\":\"sse\"";
                case 7 -> ",\"stream_format\":\"sse\",\"timings\":true";
                case 8 -> ",\"speed\":1.25";
                default -> "";
            };
            String format = switch (kind) {
                case 0, 6, 8 -> "mp3";
                case 1, 9 -> "wav";
                case 2 -> "opus";
                case 3, 7 -> "pcm";
                case 4 -> "flac";
                default -> "aac";
            };
            if (kind == 8 || kind == 9) {
                text = text + " " + texts.get((int) ((i + 1) % texts.size()));
            }
            if (kind == 9) {
                text = text + " " + texts.get((int) ((i + 2) % texts.size()));
            }
            return new LoadGenerator.Call(request(speechUrl, voice, format, text, unique, extra), kind == 9);
        };
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
        return request(speechUrl, voice, format, text, fresh, "");
    }

    private static HttpRequest request(URI speechUrl, String voice, String format, String text, boolean fresh,
                                       String extraFields) {
        String body = "{\"model\":\"tts-1\",\"input\":" + Json.quote(text)
                + (voice == null ? "" : ",\"voice\":" + Json.quote(voice))
                + ",\"response_format\":" + Json.quote(format) + extraFields + "}";
        HttpRequest.Builder b = HttpRequest.newBuilder(speechUrl).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (fresh) {
            b.header("Cache-Control", "no-cache");
        }
        return b.build();
    }
}

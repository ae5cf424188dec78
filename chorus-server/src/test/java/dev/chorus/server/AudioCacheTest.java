package dev.chorus.server;

import dev.chorus.service.cache.AudioCache;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.StreamingSynthesizeResponse;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.runtime.SentenceCache;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audio cache as users meet it, on a test engine that counts what it is asked to speak: hits replay the same
 * bytes without engine work in every framing (raw, SSE, speech marks, gRPC), identical requests in progress share
 * one synthesis, sentences are reused inside other texts, bypass, bounds, failures and metrics.
 */
class AudioCacheTest {

    private static final long MAX_BYTES = 200_000;
    private static final long MAX_ENTRY_BYTES = 100_000;

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new CountingEngineProvider()),
            r -> r.workers("counting", 2).defaultVoice("counting:tone"),
            s -> s.sentenceCache(SentenceCache.ofMaxBytes(4_000_000)),
            c -> c.warmUp(false).cache(true).cacheMaxBytes(MAX_BYTES).cacheMaxEntryBytes(MAX_ENTRY_BYTES));

    @BeforeEach
    void reset() {
        CountingEngineProvider.wordMillis.set(0);
        CountingEngineProvider.failing = false;
    }

    private static String body(String text, String format, String extra) {
        // pcm at the engine's own rate (it would be 24 kHz), so sample counts match the engine's.
        String rate = format.equals("pcm") && !extra.contains("sample_rate") ? ",\"sample_rate\":16000" : "";
        return "{\"input\":" + Http.quote(text) + ",\"voice\":\"counting:tone\",\"response_format\":\"" + format
                + "\"" + rate + extra + "}";
    }

    private static HttpResponse<byte[]> speak(String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return SERVER.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String cacheHeader(HttpResponse<?> r) {
        return r.headers().firstValue(AudioCache.HEADER).orElse("(none)");
    }

    @Test
    void aSecondIdenticalRequestIsAHitWithTheSameBytesAndNoEngineWork() throws Exception {
        String text = "Welcome to the cache. Please hold the line.";
        HttpResponse<byte[]> first = speak(body(text, "wav", ""));
        int calls = CountingEngineProvider.totalCalls();
        HttpResponse<byte[]> second = speak(body(text, "wav", ""));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(first)).isEqualTo("miss");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(second)).isEqualTo("hit");
        assertThat(second.body()).isEqualTo(first.body());
        // 8 words of 50 ms: 0.4 s of 16-bit audio after the header.
        assertThat(first.body().length).isEqualTo(44 + 8 * CountingEngineProvider.WORD_SAMPLES * 2);
        assertThat(CountingEngineProvider.calls("Welcome to the cache.")).isEqualTo(1);
        assertThat(CountingEngineProvider.calls("Please hold the line.")).isEqualTo(1);
        assertThat(CountingEngineProvider.totalCalls()).isEqualTo(calls);
        assertThat(second.headers().firstValue("content-type")).isEqualTo(first.headers().firstValue("content-type"));
        // A hit knows its length up front, as a file would.
        assertThat(second.headers().firstValue("content-length")).hasValue(Integer.toString(first.body().length));
    }

    @Test
    void identicalConcurrentRequestsShareOneSynthesis() throws Exception {
        CountingEngineProvider.wordMillis.set(40);
        String text = "Shared flight one two. Shared flight three four. Shared flight five six.";
        int n = 6;
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(SERVER.http().sendAsync(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                    .POST(HttpRequest.BodyPublishers.ofString(body(text, "pcm", ""))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        List<String> outcomes = new ArrayList<>();
        byte[] expected = null;
        for (CompletableFuture<HttpResponse<byte[]>> f : all) {
            HttpResponse<byte[]> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            outcomes.add(cacheHeader(r));
            if (expected == null) {
                expected = r.body();
            }
            assertThat(r.body()).isEqualTo(expected);
        }
        assertThat(expected).hasSize(12 * CountingEngineProvider.WORD_SAMPLES * 2);
        assertThat(outcomes).containsOnlyOnce("miss").allMatch(o -> o.equals("miss") || o.equals("shared")
                || o.equals("hit"));
        assertThat(outcomes).contains("shared");
        for (String sentence : List.of("Shared flight one two.", "Shared flight three four.",
                "Shared flight five six.")) {
            assertThat(CountingEngineProvider.calls(sentence)).as(sentence).isEqualTo(1);
        }
    }

    @Test
    void aClientThatLeavesASharedSynthesisDoesNotStopItForTheOthers() throws Exception {
        // 6 sentences of 4 words at 50 ms a word: 1.2 s of engine work, ample time for the second client to join.
        CountingEngineProvider.wordMillis.set(50);
        String text = "Leaving early is fine. Others keep listening here. The engine keeps going. "
                + "Nobody else left yet. Almost there now friends. Until the very end.";
        String json = body(text, "pcm", "");
        HttpResponse<InputStream> stayer;
        try (Socket leaver = new Socket("127.0.0.1", SERVER.server().port())) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            OutputStream out = leaver.getOutputStream();
            out.write(("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            InputStream in = leaver.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
            // The second client's headers come once it has joined; only then does the first one leave.
            stayer = SERVER.http().sendAsync(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).get(30, TimeUnit.SECONDS);
        }
        byte[] audio = stayer.body().readAllBytes();
        assertThat(stayer.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(stayer)).isEqualTo("shared");
        assertThat(audio).hasSize(24 * CountingEngineProvider.WORD_SAMPLES * 2);
        assertThat(CountingEngineProvider.calls("Until the very end.")).isEqualTo(1);
    }

    @Test
    void whenEveryClientLeavesTheSharedSynthesisStops() throws Exception {
        CountingEngineProvider.wordMillis.set(25);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append("Abandoned sentence number ").append(i).append(" here. ");
        }
        try (Socket s = new Socket("127.0.0.1", SERVER.server().port())) {
            byte[] b = body(text.toString(), "pcm", "").getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1))
                    .isEqualTo("HTTP/1.1 200");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (SERVER.synthesizer().scheduler().inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // 40 sentences of 4 words take 4 s; the engine stopped long before the last one.
        assertThat(SERVER.synthesizer().scheduler().inFlight()).isZero();
        assertThat(CountingEngineProvider.calls("Abandoned sentence number 39 here.")).isZero();
        CountingEngineProvider.wordMillis.set(0);
        HttpResponse<byte[]> again = speak(body(text.toString(), "pcm", ""));
        assertThat(cacheHeader(again)).as("a cancelled synthesis is not cached").isEqualTo("miss");
    }

    @Test
    void aSentenceSpokenBeforeIsReusedInsideAnotherText() throws Exception {
        HttpResponse<byte[]> first = speak(body("Good morning caller. Your call matters.", "pcm", ""));
        HttpResponse<byte[]> second = speak(body("Good morning caller. Press one for sales.", "pcm", ""));

        assertThat(cacheHeader(second)).isEqualTo("miss");
        assertThat(CountingEngineProvider.calls("Good morning caller.")).isEqualTo(1);
        assertThat(CountingEngineProvider.calls("Press one for sales.")).isEqualTo(1);
        int sentenceBytes = 3 * CountingEngineProvider.WORD_SAMPLES * 2;
        assertThat(Arrays.copyOf(second.body(), sentenceBytes)).isEqualTo(Arrays.copyOf(first.body(), sentenceBytes));
        assertThat(second.body()).hasSize(7 * CountingEngineProvider.WORD_SAMPLES * 2);
        assertThat(Arrays.copyOfRange(second.body(), sentenceBytes, second.body().length))
                .isNotEqualTo(Arrays.copyOfRange(first.body(), sentenceBytes, sentenceBytes * 2 - 2400));
    }

    @Test
    void sseAndSpeechMarksStreamFromAHit() throws Exception {
        String text = "Streaming from memory works. Twice over.";
        HttpResponse<byte[]> raw = speak(body(text, "pcm", ""));
        int calls = CountingEngineProvider.totalCalls();
        HttpResponse<byte[]> sse = speak(body(text, "pcm", ",\"stream_format\":\"sse\",\"timings\":true"));
        HttpResponse<byte[]> marks = speak(body(text, "json_marks", ""));

        assertThat(cacheHeader(sse)).isEqualTo("hit");
        assertThat(sse.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        int words = 0;
        boolean done = false;
        for (String line : new String(sse.body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            JsonNode e = Http.JSON.readTree(line.substring(6));
            switch (e.get("type").asText()) {
                case "speech.audio.delta" -> audio.writeBytes(Base64.getDecoder().decode(e.get("audio").asText()));
                case "speech.timing" -> words += e.get("kind").asText().equals("word") ? 1 : 0;
                case "speech.audio.done" -> done = true;
                default -> throw new AssertionError("unexpected event " + e);
            }
        }
        assertThat(audio.toByteArray()).isEqualTo(raw.body());
        assertThat(words).isEqualTo(6);
        assertThat(done).isTrue();

        assertThat(cacheHeader(marks)).isEqualTo("hit");
        List<String> lines = new String(marks.body(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2 + 6);
        assertThat(Http.JSON.readTree(lines.get(1)).get("value").asText()).isEqualTo("Streaming");
        assertThat(CountingEngineProvider.totalCalls()).isEqualTo(calls);
    }

    @Test
    void grpcStreamsFromAHitWithTheHeader() throws Exception {
        String text = "Remote procedure calls hit too.";
        HttpResponse<byte[]> rest = speak(body(text, "wav", ""));
        int calls = CountingEngineProvider.totalCalls();
        AtomicReference<Metadata> headers = new AtomicReference<>();
        TextToSpeechGrpc.TextToSpeechBlockingStub stub = TextToSpeechGrpc.newBlockingStub(SERVER.channel())
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()));
        Iterator<StreamingSynthesizeResponse> it = stub.withDeadlineAfter(30, TimeUnit.SECONDS).streamingSynthesize(
                SynthesizeRequest.newBuilder().setText(text).setVoice("counting:tone")
                        .setFormat(AudioFormat.AUDIO_FORMAT_WAV).build());
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        List<String> kinds = new ArrayList<>();
        while (it.hasNext()) {
            StreamingSynthesizeResponse m = it.next();
            kinds.add(m.getContentCase().name());
            if (m.hasAudio()) {
                audio.writeBytes(m.getAudio().getData().toByteArray());
            }
        }
        assertThat(kinds.getFirst()).isEqualTo("START");
        assertThat(kinds.getLast()).isEqualTo("END");
        assertThat(kinds).contains("AUDIO", "TIMING");
        assertThat(audio.toByteArray()).isEqualTo(rest.body());
        assertThat(headers.get().get(Metadata.Key.of(AudioCache.HEADER, Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("hit");
        assertThat(CountingEngineProvider.totalCalls()).isEqualTo(calls);

        // The request's own field skips the cache.
        Iterator<StreamingSynthesizeResponse> fresh = stub.streamingSynthesize(SynthesizeRequest.newBuilder()
                .setText(text).setVoice("counting:tone").setFormat(AudioFormat.AUDIO_FORMAT_WAV).setNoCache(true)
                .build());
        fresh.forEachRemaining(m -> { });
        assertThat(headers.get().get(Metadata.Key.of(AudioCache.HEADER, Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("bypass");
        assertThat(CountingEngineProvider.calls(text)).isEqualTo(2);
    }

    @Test
    void bypassSynthesizesAfreshAndStoresNothing() throws Exception {
        String text = "Fresh audio please.";
        speak(body(text, "mp3", ""));
        HttpResponse<byte[]> field = speak(body(text, "mp3", ",\"cache\":false"));
        HttpResponse<byte[]> noCache = speak(body(text, "mp3", ""), "Cache-Control", "no-cache");
        HttpResponse<byte[]> noStore = speak(body(text, "mp3", ""), "Cache-Control", "no-store");
        HttpResponse<byte[]> cached = speak(body(text, "mp3", ""));

        assertThat(List.of(cacheHeader(field), cacheHeader(noCache), cacheHeader(noStore)))
                .containsOnly("bypass");
        assertThat(field.statusCode()).isEqualTo(200);
        assertThat(field.body()).isNotEmpty();
        assertThat(CountingEngineProvider.calls(text)).isEqualTo(4);
        assertThat(cacheHeader(cached)).isEqualTo("hit");
    }

    @Test
    void aFailedSynthesisIsNotCached() throws Exception {
        String text = "This one will explode now.";
        CountingEngineProvider.failing = true;
        HttpResponse<byte[]> failed = speak(body(text, "wav", ""));
        CountingEngineProvider.failing = false;
        HttpResponse<byte[]> retried = speak(body(text, "wav", ""));

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(Http.json(failed).get("error").get("message").asText()).contains("told to fail");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(retried)).isEqualTo("miss");
        assertThat(CountingEngineProvider.calls(text)).isEqualTo(2);
    }

    @Test
    void aResponseLargerThanTheEntryLimitIsNotCached() throws Exception {
        String text = "Long answer with many words in it. ".repeat(10); // 70 words: 112000 bytes of PCM
        HttpResponse<byte[]> first = speak(body(text, "pcm", ""));
        HttpResponse<byte[]> second = speak(body(text, "pcm", ""));
        assertThat(first.body().length).isGreaterThan((int) MAX_ENTRY_BYTES);
        assertThat(cacheHeader(second)).isEqualTo("miss");
        assertThat(second.body()).isEqualTo(first.body());
    }

    @Test
    void theByteBoundEvictsAndMetricsMove() throws Exception {
        speak(body("Metrics count this one.", "wav", ""));
        speak(body("Metrics count this one.", "wav", ""));
        speak(body("Metrics count this one. A sentence more.", "wav", ""));
        for (int i = 0; i < 30; i++) {
            HttpResponse<byte[]> r = speak(body("Filler text number " + i + " takes some room here.", "pcm", ""));
            assertThat(r.statusCode()).isEqualTo(200);
        }
        String metrics = new String(Http.get(SERVER, "/metrics").body(), StandardCharsets.UTF_8);
        assertThat(value(metrics, "chorus_cache_requests_total", "response", "memory", "hit")).isGreaterThan(0);
        assertThat(value(metrics, "chorus_cache_requests_total", "response", "memory", "miss")).isGreaterThan(30);
        assertThat(value(metrics, "chorus_cache_requests_total", "sentence", "memory", "miss")).isGreaterThan(30);
        assertThat(value(metrics, "chorus_cache_requests_total", "sentence", "memory", "hit")).isGreaterThan(0);
        assertThat(value(metrics, "chorus_cache_evictions_total", "response", "memory", null)).isGreaterThan(0);
        double bytes = value(metrics, "chorus_cache_bytes", "response", "memory", null);
        assertThat(bytes).isGreaterThan(0).isLessThanOrEqualTo(MAX_BYTES);
        // 30 responses of 14400 bytes cannot all fit in 200000.
        assertThat(value(metrics, "chorus_cache_entries", "response", "memory", null)).isLessThan(30);
        // Hits count under the voice they were made with, not as voice="none".
        assertThat(Pattern.compile("^chorus_requests_total\\{[^}]*outcome=\"ok\",route=\"/v1/audio/speech\"[^}]*}",
                Pattern.MULTILINE)
                .matcher(metrics).results().map(MatchResult::group)).isNotEmpty()
                .noneMatch(line -> line.contains("voice=\"none\""));
        // Every cache metric the dashboard charts is one the server exposes.
        String dashboard = Files.readString(Path.of("..").toAbsolutePath().normalize()
                .resolve("deploy/grafana/chorus.json"));
        List<String> charted = Pattern.compile("chorus_cache_[a-z_]+").matcher(dashboard).results()
                .map(MatchResult::group).distinct().toList();
        assertThat(charted).hasSizeGreaterThanOrEqualTo(4);
        for (String name : charted) {
            assertThat(Pattern.compile("^" + name + "[{ ]", Pattern.MULTILINE).matcher(metrics).find())
                    .as(name).isTrue();
        }
    }

    @Test
    void aHitHasItsTimeToFirstAudioRecordedUnderItsVoice() throws Exception {
        String json = body("Time me from the cache.", "wav", "");
        assertThat(speak(json).headers().firstValue(AudioCache.HEADER)).hasValue("miss");
        double before = firstAudioCount();
        HttpResponse<byte[]> hit = speak(json);
        assertThat(hit.headers().firstValue(AudioCache.HEADER)).hasValue("hit");
        // The request log (and its meters) completes just after the body; wait for the count to move.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (firstAudioCount() < before + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(firstAudioCount()).isEqualTo(before + 1);
    }

    /** Returns how many first-audio times the speech route recorded for the counting voice. */
    private static double firstAudioCount() throws Exception {
        String metrics = new String(Http.get(SERVER, "/metrics").body(), StandardCharsets.UTF_8);
        return Pattern.compile("^chorus_time_to_first_audio_seconds_count\\{([^}]*)} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics).results()
                .filter(m -> m.group(1).contains("route=\"/v1/audio/speech\"")
                        && m.group(1).contains("voice=\"counting:tone\""))
                .mapToDouble(m -> Double.parseDouble(m.group(2))).sum();
    }

    /** Returns the value of a cache meter with the given labels (result null: a meter without one). */
    private static double value(String metrics, String name, String level, String tier, String result) {
        Pattern p = Pattern.compile("^" + name + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(metrics);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("level=\"" + level + "\"") && labels.contains("tier=\"" + tier + "\"")
                    && (result == null ? !labels.contains("result=") : labels.contains("result=\"" + result + "\""))) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no " + name + " for " + level + "/" + tier + "/" + result + " in:\n"
                + metrics.lines().filter(l -> l.startsWith("chorus_cache")).toList());
    }
}

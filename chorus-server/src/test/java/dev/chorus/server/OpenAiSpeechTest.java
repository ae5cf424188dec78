package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code POST /v1/audio/speech} over real HTTP: formats, streaming, SSE, voices and models. */
class OpenAiSpeechTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";

    @Test
    void streamsAWavWithChunkedTransferEncoding() throws Exception {
        SERVER.assumeEspeak();
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", """
                {"model":"tts-1","input":%s,"voice":"espeak:en-us","response_format":"wav"}"""
                .formatted(Http.quote(SENTENCE)));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/wav");
        assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("espeak:en-us");
        Wav wav = WavFiles.read(r.body());
        assertThat(wav.sampleRate()).isEqualTo(22_050);
        assertThat(wav.seconds()).isBetween(1.5, 6.0);
        assertThat(Http.rms(wav.samples())).isGreaterThan(300);
        double probed = Http.ffprobeSeconds(r.body(), ".wav");
        if (probed >= 0) {
            assertThat(probed).isCloseTo(wav.seconds(), within(0.05));
        }
    }

    @Test
    void defaultVoiceAndAnOpenAiNameSpeakWithTheHmmVoice() throws Exception {
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", """
                {"model":"tts-1-hd","input":"Hello from Chorus.","voice":"alloy","response_format":"wav"}""");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("hmm:cmu-slt-hsmm");
        Wav wav = WavFiles.read(r.body());
        assertThat(wav.sampleRate()).isEqualTo(48_000);
        assertThat(wav.seconds()).isBetween(0.6, 4.0);
        assertThat(Http.rms(wav.samples())).isGreaterThan(300);
    }

    @Test
    void withoutAFormatTheAnswerIsMp3LikeOpenAis() throws Exception {
        SERVER.assumeEspeak();
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", """
                {"model":"tts-1","input":%s,"voice":"espeak:en-us"}""".formatted(Http.quote(SENTENCE)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/mpeg");
        double probed = Http.ffprobeSeconds(r.body(), ".mp3");
        if (probed >= 0) {
            assertThat(probed).isBetween(1.5, 6.0);
        }
    }

    @Test
    void writesRawPcmAtTheAskedRate() throws Exception {
        SERVER.assumeEspeak();
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", """
                {"model":"espeak","input":%s,"voice":"en-us","response_format":"pcm","sample_rate":16000}"""
                .formatted(Http.quote(SENTENCE)));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/pcm");
        assertThat(r.headers().firstValue("x-chorus-sample-rate")).hasValue("16000");
        assertThat(r.body().length % 2).isZero();
        short[] samples = new short[r.body().length / 2];
        ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        assertThat(samples.length / 16_000.0).isBetween(1.5, 6.0);
        assertThat(Http.rms(samples)).isGreaterThan(300);
        double probed = Http.ffprobeSeconds(r.body(), ".pcm", "-f", "s16le", "-ar", "16000", "-ac", "1");
        if (probed >= 0) {
            assertThat(probed).isCloseTo(samples.length / 16_000.0, within(0.05));
        }
    }

    @Test
    void speedTwoGivesAboutHalfTheAudio() throws Exception {
        SERVER.assumeEspeak();
        String body = """
                {"input":%s,"voice":"espeak:en-us","speed":%s,"response_format":"wav"}""";
        double normal = WavFiles.read(Http.post(SERVER, "/v1/audio/speech",
                body.formatted(Http.quote(SENTENCE), "1.0")).body()).seconds();
        double fast = WavFiles.read(Http.post(SERVER, "/v1/audio/speech",
                body.formatted(Http.quote(SENTENCE), "2.0")).body()).seconds();
        assertThat(fast / normal).isBetween(0.35, 0.7);
    }

    @Test
    void sseSendsBase64DeltasThenDoneWithUsage() throws Exception {
        SERVER.assumeEspeak();
        HttpResponse<InputStream> r = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"gpt-4o-mini-tts","input":"First sentence here. And a second one.","voice":"ash",
                         "response_format":"pcm","sample_rate":22050,"stream_format":"sse","instructions":"Speak calmly."}"""))
                .build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(Http.JSON.readTree(line.substring(6)));
                } else {
                    assertThat(line).as("SSE separator").isEmpty();
                }
            }
        }
        assertThat(events).hasSizeGreaterThanOrEqualTo(3);
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            assertThat(e.get("type").asText()).isEqualTo("speech.audio.delta");
            pcm.writeBytes(Base64.getDecoder().decode(e.get("audio").asText()));
        }
        JsonNode done = events.getLast();
        assertThat(done.get("type").asText()).isEqualTo("speech.audio.done");
        assertThat(done.at("/usage/input_tokens").asInt()).isGreaterThan(20);
        assertThat(done.at("/usage/total_tokens").asInt()).isEqualTo(
                done.at("/usage/input_tokens").asInt() + done.at("/usage/output_tokens").asInt());
        double seconds = pcm.size() / 2 / 22_050.0;
        assertThat(seconds).isBetween(1.5, 6.0);
        assertThat(done.at("/usage/output_tokens").asInt()).isEqualTo((int) Math.ceil(seconds * 50));
    }

    @Test
    void firstBytesLeaveLongBeforeTheWholeTextIsSynthesized() throws Exception {
        // hmm is slow enough that a paragraph takes clearly longer than its first sentence.
        String text = ("This sentence starts the paragraph. " + "It keeps going with more words to say. ".repeat(8))
                .trim();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"input":%s,"voice":"hmm:cmu-slt-hsmm","response_format":"pcm"}""".formatted(Http.quote(text))))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertThat(in.read()).isNotNegative();
            long first = System.nanoTime() - t0;
            in.transferTo(OutputStream.nullOutputStream());
            long total = System.nanoTime() - t0;
            assertThat(first).as("first byte after %d ms of %d ms", first / 1_000_000, total / 1_000_000)
                    .isLessThan(total / 3);
        }
    }

    @Test
    void everyOpenAiVoiceNameMapsToAnInstalledVoice() throws Exception {
        JsonNode voices = Http.json(Http.get(SERVER, "/v1/audio/voices"));
        List<String> names = new ArrayList<>();
        voices.get("voices").forEach(n -> names.add(n.asText()));
        assertThat(names).containsAll(ServerConfig.OPENAI_VOICES);
        List<String> installed = SERVER.synthesizer().registry().voices().stream().map(v -> v.id()).toList();
        for (JsonNode v : voices.get("data")) {
            assertThat(installed).contains(v.get("voice").asText());
        }
        SERVER.assumeEspeak();
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", """
                {"model":"tts-1","input":"Hi.","voice":"fable"}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("espeak:en-gb-x-rp");
    }

    @Test
    void servesHttp2WithoutTlsOnTheSamePort() throws Exception {
        HttpResponse<String> r = Http.h2c().send(HttpRequest.newBuilder(SERVER.uri("/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
}

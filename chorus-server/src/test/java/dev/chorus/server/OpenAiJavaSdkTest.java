package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.speech.SpeechCreateParams.ResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams.StreamFormat;
import com.openai.models.audio.speech.SpeechModel;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenAI routes through OpenAI's official Java SDK (com.openai:openai-java), as an application pointed at
 * Chorus uses them: every response format decoded with ffmpeg, {@code pcm} at OpenAI's 24 kHz, SSE streaming, the
 * current voice names and dated model snapshots, {@code models.retrieve}, errors as the SDK's typed exceptions,
 * and the request id the SDK reads from {@code x-request-id}.
 */
@Timeout(60)
class OpenAiJavaSdkTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    private static final String TEXT = "Hello from the official SDK.";

    private static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(SERVER.uri("/v1").toString()).apiKey("not-needed")
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static SpeechCreateParams.Builder speech(ResponseFormat format) {
        return SpeechCreateParams.builder().model(SpeechModel.TTS_1).voice(SpeechCreateParams.Voice.UnionMember1.ALLOY)
                .input(TEXT).responseFormat(format);
    }

    private static byte[] bytes(HttpResponse r) throws Exception {
        try (r) {
            return r.body().readAllBytes();
        }
    }

    private static int voiceRate() {
        return SERVER.synthesizer().registry().resolve("hmm:cmu-slt-hsmm").sampleRate();
    }

    @ParameterizedTest
    @CsvSource({"mp3, .mp3, mp3", "opus, .ogg, opus", "aac, .aac, aac", "flac, .flac, flac", "wav, .wav, pcm_s16le"})
    void everyFormatDecodes(String format, String suffix, String codec) throws Exception {
        HttpResponse r = client.audio().speech().create(speech(ResponseFormat.of(format)).build());
        assertThat(r.statusCode()).isEqualTo(200);
        byte[] audio = bytes(r);
        assertThat(AudioTools.probeCodecAndRate(audio, suffix)).first().isEqualTo(codec);
        short[] samples = AudioTools.decodeCleanly(audio, 24000, format);
        assertThat(samples.length / 24000.0).as("seconds of speech").isBetween(0.6, 6.0);
        assertThat(Http.rms(samples)).as("speech, not silence").isGreaterThan(300);
    }

    @Test
    void pcmIsOpenAis24KilohertzUnlessAskedOtherwise() throws Exception {
        HttpResponse pcm = client.audio().speech().create(speech(ResponseFormat.PCM).build());
        assertThat(pcm.headers().values("x-chorus-sample-rate")).containsExactly("24000");
        short[] at24k = AudioTools.samples(bytes(pcm));
        HttpResponse wav = client.audio().speech().create(speech(ResponseFormat.WAV).build());
        short[] native_ = AudioTools.decodeCleanly(bytes(wav), voiceRate(), "wav");
        double expected = native_.length * 24000.0 / voiceRate();
        assertThat((double) at24k.length).as("the same speech resampled to 24 kHz")
                .isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(1));

        HttpResponse at16k = client.audio().speech().create(speech(ResponseFormat.PCM)
                .putAdditionalBodyProperty("sample_rate", com.openai.core.JsonValue.from(16000)).build());
        assertThat(at16k.headers().values("x-chorus-sample-rate")).containsExactly("16000");
        assertThat((double) AudioTools.samples(bytes(at16k)).length)
                .isCloseTo(native_.length * 16000.0 / voiceRate(), org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void sseStreamsDeltasThenDone() throws Exception {
        HttpResponse r = client.audio().speech().create(speech(ResponseFormat.PCM)
                .streamFormat(StreamFormat.SSE).build());
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        String last = null;
        try (r; BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("data:")) {
                    JsonNode e = Http.JSON.readTree(line.substring(5).trim());
                    last = e.path("type").asText();
                    if (last.equals("speech.audio.delta")) {
                        audio.writeBytes(Base64.getDecoder().decode(e.path("audio").asText()));
                    }
                }
            }
        }
        assertThat(last).isEqualTo("speech.audio.done");
        assertThat(audio.size() / 2 / 24000.0).as("seconds of 24 kHz PCM").isBetween(0.6, 6.0);
    }

    @Test
    void currentVoiceNamesAndDatedModelsWork() throws Exception {
        for (String voice : List.of("marin", "cedar", "ballad", "verse")) {
            HttpResponse r = client.audio().speech().create(SpeechCreateParams.builder()
                    .model(SpeechModel.GPT_4O_MINI_TTS_2025_12_15).voice(voice).input("Hi.")
                    .responseFormat(ResponseFormat.WAV).build());
            assertThat(r.statusCode()).as(voice).isEqualTo(200);
            assertThat(r.headers().values("x-chorus-voice")).as(voice).hasSize(1);
            bytes(r);
        }
        HttpResponse old = client.audio().speech().create(speech(ResponseFormat.WAV).model("tts-1-1106").build());
        assertThat(old.statusCode()).isEqualTo(200);
        bytes(old);
    }

    @Test
    void modelsRetrieveAnswersAcceptedNamesAndRefusesOthers() {
        Model m = client.models().retrieve("gpt-4o-mini-tts-2025-03-20");
        assertThat(m.id()).isEqualTo("gpt-4o-mini-tts-2025-03-20");
        assertThat(client.models().retrieve("hmm").ownedBy()).isEqualTo("chorus");
        assertThatThrownBy(() -> client.models().retrieve("whisper-9")).isInstanceOfSatisfying(
                NotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("model_not_found");
                    assertThat(e.headers().values("x-request-id")).hasSize(1);
                });
    }

    @Test
    void errorsAreTheSdksTypedExceptions() {
        assertThatThrownBy(() -> client.audio().speech().create(speech(ResponseFormat.MP3).voice("no-such-voice")
                .build())).isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("voice_not_found");
                    assertThat(e.param()).hasValue("voice");
                });
        assertThatThrownBy(() -> client.audio().speech().create(speech(ResponseFormat.MP3).speed(9).build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("speed");
                });
    }

    @Test
    void theRequestIdIsWhatTheSdkReads() throws Exception {
        HttpResponse r = client.audio().speech().create(speech(ResponseFormat.WAV).build());
        assertThat(r.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        assertThat(r.requestId().get()).isEqualTo("req_" + r.headers().values("x-chorus-request-id").getFirst());
        bytes(r);

        HttpResponse mine = client.audio().speech().create(speech(ResponseFormat.WAV)
                .putAdditionalHeader("x-request-id", "trace-42.a").build());
        assertThat(mine.requestId()).hasValue("trace-42.a");
        bytes(mine);

        HttpResponse hostile = client.audio().speech().create(speech(ResponseFormat.WAV)
                .putAdditionalHeader("x-request-id", "x".repeat(500)).build());
        assertThat(hostile.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        bytes(hostile);
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Every user mistake answers OpenAI's error shape with the right status and a message that says what to fix. */
class ErrorShapesTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    /** Checks the status, the shape and that no stack trace leaks; returns the inner error object. */
    private static JsonNode error(HttpResponse<byte[]> r, int status) throws Exception {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.chorus");
        JsonNode e = Http.json(r).get("error");
        assertThat(e).as(body).isNotNull();
        assertThat(e.fieldNames()).toIterable().containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(e.get("type").asText()).isEqualTo(status >= 500 ? "server_error" : "invalid_request_error");
        return e;
    }

    private static HttpResponse<byte[]> speech(String json) throws Exception {
        return Http.post(SERVER, "/v1/audio/speech", json);
    }

    @Test
    void badJson() throws Exception {
        JsonNode e = error(speech("{\"input\": \"Hello\", "), 400);
        assertThat(e.get("code").asText()).isEqualTo("invalid_json");
        assertThat(e.get("message").asText()).startsWith("request body: not valid JSON");
        assertThat(error(speech("[1, 2]"), 400).get("message").asText()).contains("expected: a JSON object");
    }

    @Test
    void missingInput() throws Exception {
        JsonNode e = error(speech("{\"model\":\"tts-1\",\"voice\":\"alloy\"}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("input");
    }

    @Test
    void unknownVoiceSuggestsCloseOnes() throws Exception {
        SERVER.assumeEspeak();
        JsonNode e = error(speech("{\"input\":\"Hello.\",\"voice\":\"espeak:en-uss\"}"), 404);
        assertThat(e.get("code").asText()).isEqualTo("voice_not_found");
        assertThat(e.get("param").asText()).isEqualTo("voice");
        assertThat(e.get("message").asText()).contains("espeak:en-uss").contains("espeak:en-us");
    }

    @Test
    void unknownModel() throws Exception {
        JsonNode e = error(speech("{\"input\":\"Hello.\",\"model\":\"tts-2\"}"), 404);
        assertThat(e.get("code").asText()).isEqualTo("model_not_found");
        assertThat(e.get("message").asText()).contains("tts-1").contains("hmm");
    }

    @Test
    void tooLongInputNamesTheLimit() throws Exception {
        JsonNode e = error(speech("{\"input\":\"" + "a".repeat(5000) + "\"}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("input");
        assertThat(e.get("message").asText()).isEqualTo("input: 5000 characters (expected: at most 4096)");
    }

    @Test
    void badSpeed() throws Exception {
        JsonNode e = error(speech("{\"input\":\"Hello.\",\"speed\":5}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("speed");
        assertThat(e.get("message").asText()).isEqualTo("speed: 5 (expected: 0.25 to 4.0)");
        assertThat(error(speech("{\"input\":\"Hello.\",\"speed\":\"fast\"}"), 400).get("param").asText())
                .isEqualTo("speed");
    }

    @Test
    void unknownFormatsAndRatesAFormatCannotCarry() throws Exception {
        JsonNode e = error(speech("{\"input\":\"Hello.\",\"response_format\":\"ogg\"}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("response_format");
        assertThat(e.get("message").asText()).startsWith("response_format: 'ogg' (expected one of: wav, pcm, mp3")
                .contains("json_marks");
        e = error(speech("{\"input\":\"Hello.\",\"response_format\":\"mulaw\",\"sample_rate\":16000}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("sample_rate");
        assertThat(e.get("message").asText()).contains("16000").contains("mulaw").contains("8000");
        e = error(speech("{\"input\":\"Hello.\",\"pitch\":13}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("pitch");
        e = error(speech("{\"input\":\"<speak>Hi <break time='30s'/></speak>\"}"), 400);
        assertThat(e.get("message").asText()).contains("line 1, column");
        e = error(speech("{\"input\":\"Hi\",\"lexicon\":[{\"regex\":\"(\",\"alias\":\"x\"}]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("lexicon");
    }

    @Test
    void badStreamFormatAndSampleRate() throws Exception {
        assertThat(error(speech("{\"input\":\"Hi.\",\"stream_format\":\"chunks\"}"), 400).get("param").asText())
                .isEqualTo("stream_format");
        JsonNode e = error(speech("{\"input\":\"Hi.\",\"sample_rate\":12345}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("sample_rate");
        assertThat(e.get("message").asText()).contains("12345").contains("48000");
    }

    @Test
    void nothingToSpeak() throws Exception {
        assertThat(error(speech("{\"input\":\"   \"}"), 400).get("message").asText()).contains("empty");
        assertThat(error(speech("{\"input\":\"bell\\u0007\"}"), 400).get("message").asText()).contains("U+0007");
    }

    @Test
    void voiceOfAnotherEngineThanTheModel() throws Exception {
        SERVER.assumeEspeak();
        JsonNode e = error(speech("{\"input\":\"Hi.\",\"model\":\"espeak\",\"voice\":\"hmm:cmu-slt-hsmm\"}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("voice_model_mismatch");
    }

    @Test
    void unknownRouteWrongMethodAndTooLargeBody() throws Exception {
        assertThat(error(Http.get(SERVER, "/v1/nothing"), 404).get("message").asText())
                .isEqualTo("route: GET /v1/nothing does not exist (see /openapi.json)");
        error(Http.get(SERVER, "/v1/audio/speech"), 405);
        HttpResponse<byte[]> big = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + "a".repeat(1_100_000) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(error(big, 413).get("message").asText()).contains("1048576 bytes");
    }

    @Test
    void badQueryParameter() throws Exception {
        JsonNode e = error(Http.get(SERVER, "/v1/voices?gender=robot"), 400);
        assertThat(e.get("param").asText()).isEqualTo("gender");
    }
}

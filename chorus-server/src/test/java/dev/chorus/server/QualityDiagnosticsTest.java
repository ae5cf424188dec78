package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.chorus.audio.SignalQuality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code "quality": true}: the audio's signal checks at the end of the response, as the trailer
 * {@code x-chorus-quality} (HTTP/1.1 chunked and HTTP/2), in {@code speech.audio.done} (SSE) and as a last
 * {@code quality} line of speech marks. The figures are those of the audio the client decodes.
 */
@Timeout(120)
class QualityDiagnosticsTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(
            List.of(new dev.chorus.engine.hmm.HmmEngineProvider()), r -> r.workers("hmm", 1), s -> s,
            c -> c.warmUp(false).cache(true));

    private static final String TEXT = "The quick brown fox jumps over the lazy dog.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AggregatedHttpResponse post(String scheme, String body) {
        WebClient client = WebClient.of(scheme + "://127.0.0.1:" + SERVER.server().port());
        return client.execute(HttpRequest.of(RequestHeaders.of(HttpMethod.POST, "/v1/audio/speech"),
                com.linecorp.armeria.common.HttpData.ofUtf8(body))).aggregate().join();
    }

    private static Map<String, Double> trailer(AggregatedHttpResponse r) {
        String value = r.trailers().get("x-chorus-quality");
        assertThat(value).as("the x-chorus-quality trailer").isNotNull();
        Map<String, Double> m = new HashMap<>();
        for (String pair : value.split(";")) {
            String[] kv = pair.split("=", 2);
            m.put(kv[0], Double.parseDouble(kv[1]));
        }
        return m;
    }

    @Test
    void theTrailerHoldsTheChecksOfTheAudioTheClientGets() {
        for (String scheme : new String[] {"h1c", "h2c"}) {
            AggregatedHttpResponse r = post(scheme, "{\"input\":\"" + TEXT + "\",\"response_format\":\"wav\","
                    + "\"quality\":true}");
            assertThat(r.status().code()).isEqualTo(200);
            assertThat(r.headers().get("trailer")).isEqualTo("x-chorus-quality");
            Map<String, Double> q = trailer(r);
            byte[] wav = r.content().array();
            int data = new String(wav, 0, Math.min(wav.length, 512), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .indexOf("data") + 8;
            short[] pcm = AudioTools.samples(java.util.Arrays.copyOfRange(wav, data, wav.length));
            SignalQuality heard = SignalQuality.of(pcm, Integer.parseInt(r.headers().get("x-chorus-sample-rate")));
            assertThat(q.get("seconds")).as(scheme).isCloseTo(heard.seconds(), within(0.002));
            assertThat(q.get("silence_ratio")).isCloseTo(heard.silenceRatio(), within(0.001));
            assertThat(q.get("clipping_ratio")).isCloseTo(heard.clippingRatio(), within(0.00001));
            assertThat(q.get("loudness_lufs")).isCloseTo(heard.loudnessLufs(), within(0.01)).isBetween(-40.0, -10.0);
            assertThat(q.get("snr_db")).isCloseTo(heard.snrDb(), within(0.01));
            assertThat(q).containsKey("dc_offset");
        }
    }

    @Test
    void withoutTheFieldThereIsNoTrailerAndWithItTheCacheIsNotUsed() {
        String plain = "{\"input\":\"Cached answers carry no checks.\",\"response_format\":\"wav\"}";
        AggregatedHttpResponse first = post("h1c", plain);
        assertThat(first.trailers().get("x-chorus-quality")).isNull();
        assertThat(post("h1c", plain).headers().get("x-chorus-cache")).isEqualTo("hit");
        AggregatedHttpResponse checked = post("h1c", plain.replace("}", ",\"quality\":true}"));
        assertThat(checked.headers().get("x-chorus-cache")).isNotEqualTo("hit");
        assertThat(trailer(checked).get("seconds")).isPositive();
    }

    @Test
    void sseCarriesTheChecksInTheDoneEvent() throws Exception {
        AggregatedHttpResponse r = post("h1c", "{\"input\":\"" + TEXT + "\",\"stream_format\":\"sse\","
                + "\"response_format\":\"pcm\",\"quality\":true}");
        assertThat(r.status().code()).isEqualTo(200);
        JsonNode done = null;
        for (String line : r.contentUtf8().split("\n")) {
            if (line.startsWith("data: ")) {
                JsonNode e = JSON.readTree(line.substring(6));
                if (e.get("type").asText().equals("speech.audio.done")) {
                    done = e;
                }
            }
        }
        assertThat(done).as("speech.audio.done").isNotNull();
        JsonNode q = done.get("quality");
        assertThat(q).as("quality in speech.audio.done").isNotNull();
        assertThat(q.get("seconds").asDouble()).isBetween(1.5, 6.0);
        assertThat(q.get("silence_ratio").asDouble()).isBetween(0.0, 0.6);
        assertThat(q.get("loudness_lufs").asDouble()).isBetween(-40.0, -10.0);
        assertThat(r.trailers().get("x-chorus-quality")).isNull();
    }

    @Test
    void speechMarksEndWithAQualityLine() throws Exception {
        AggregatedHttpResponse r = post("h1c", "{\"input\":\"" + TEXT + "\",\"response_format\":\"json_marks\","
                + "\"quality\":true}");
        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().contentType()).isEqualTo(MediaType.parse("application/x-json-stream"));
        String[] lines = r.contentUtf8().strip().split("\n");
        JsonNode last = JSON.readTree(lines[lines.length - 1]);
        assertThat(last.get("type").asText()).isEqualTo("quality");
        assertThat(last.get("time").asLong()).isEqualTo(Math.round(last.get("seconds").asDouble() * 1000));
        assertThat(last.get("clipping_ratio").asDouble()).isEqualTo(0.0);
        JsonNode sentence = JSON.readTree(lines[0]);
        assertThat(sentence.get("type").asText()).isEqualTo("sentence");
    }
}

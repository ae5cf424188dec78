package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog and health routes. */
class CatalogTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    @Test
    void modelsListsOpenAiNamesAndEngines() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(ids(body)).startsWith("tts-1", "tts-1-hd", "gpt-4o-mini-tts").contains("hmm");
        assertThat(body.at("/data/0/object").asText()).isEqualTo("model");
    }

    @Test
    void voicesCarryTheirDetailsAndAliases() throws Exception {
        JsonNode body = Http.json(Http.get(SERVER, "/v1/voices?engine=hmm"));
        assertThat(ids(body)).containsExactly("hmm:cmu-slt-hsmm");
        JsonNode v = body.at("/data/0");
        assertThat(v.get("language").asText()).isEqualTo("en-US");
        assertThat(v.get("gender").asText()).isEqualTo("female");
        assertThat(v.get("engine").asText()).isEqualTo("hmm");
        assertThat(v.get("sample_rate").asInt()).isEqualTo(48_000);
        assertThat(v.get("version").asText()).isNotBlank();
        assertThat(v.has("streaming")).isTrue();
        List<String> aliases = new ArrayList<>();
        v.get("aliases").forEach(a -> aliases.add(a.asText()));
        assertThat(aliases).contains("alloy", "nova", "shimmer");
    }

    @Test
    void languageFilterMatchesWholeSubtags() throws Exception {
        SERVER.assumeEspeak();
        JsonNode en = Http.json(Http.get(SERVER, "/v1/voices?language=en"));
        assertThat(ids(en)).contains("hmm:cmu-slt-hsmm", "espeak:en-us", "espeak:en-gb");
        en.get("data").forEach(v -> assertThat(v.get("language").asText().toLowerCase()).matches("en(-.*)?"));
        assertThat(ids(Http.json(Http.get(SERVER, "/v1/voices?language=en-GB&engine=espeak"))))
                .contains("espeak:en-gb").doesNotContain("espeak:en-us", "hmm:cmu-slt-hsmm");
        assertThat(ids(Http.json(Http.get(SERVER, "/v1/voices?language=e")))).isEmpty();
    }

    @Test
    void audioVoicesNarrowsToAnEngineModel() throws Exception {
        SERVER.assumeEspeak();
        JsonNode body = Http.json(Http.get(SERVER, "/v1/audio/voices?model=espeak"));
        body.get("data").forEach(v -> assertThat(v.get("voice").asText()).startsWith("espeak:"));
        assertThat(Http.get(SERVER, "/v1/audio/voices?model=nope").statusCode()).isEqualTo(404);
    }

    @Test
    void healthAndReadiness() throws Exception {
        HttpResponse<byte[]> live = Http.get(SERVER, "/healthz");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(Http.json(live).get("status").asText()).isEqualTo("ok");
        HttpResponse<byte[]> ready = Http.get(SERVER, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(ready);
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.at("/engines/hmm/status").asText()).isEqualTo("ready");
        assertThat(body.at("/engines/hmm/workers").asInt()).isEqualTo(1);
    }

    @Test
    void docsPageIsServed() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/docs/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("html"));
    }
}

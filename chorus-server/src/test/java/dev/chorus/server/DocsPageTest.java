package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API docs at {@code /docs}: the page names no other origin (no web fonts from the internet), its policy lets
 * the browser load nothing from one, and the speech route is described with its request body.
 */
class DocsPageTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new CountingEngineProvider()),
            r -> r.defaultVoice("counting:tone"), s -> s, c -> c.warmUp(false));

    /** An absolute or protocol-relative URL in an attribute that makes the browser fetch it. */
    private static final Pattern REMOTE = Pattern.compile("(?i)(src|href)=\"(https?:)?//");

    @Test
    void thePageLoadsNothingFromAnotherOrigin() throws Exception {
        for (String encoding : List.of("gzip, deflate, br", "identity")) {
            HttpResponse<byte[]> r = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/docs/"))
                    .header("Accept-Encoding", encoding).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            String html = "gzip".equals(r.headers().firstValue("content-encoding").orElse(""))
                    ? new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
                    StandardCharsets.UTF_8) : new String(r.body(), StandardCharsets.UTF_8);
            assertThat(html).as(encoding).contains("<script").doesNotContain("fonts.googleapis.com");
            assertThat(REMOTE.matcher(html).find()).as("a remote src or href in: %s", html).isFalse();
            String csp = r.headers().firstValue("content-security-policy").orElseThrow();
            assertThat(csp).contains("default-src 'self'").doesNotContain("http").doesNotContain("*");
        }
        // The page's own script comes from this server.
        HttpResponse<byte[]> page = Http.get(SERVER, "/docs/");
        var script = Pattern.compile("src=\"([^\"]+\\.js)\"").matcher(new String(page.body(), StandardCharsets.UTF_8));
        assertThat(script.find()).isTrue();
        assertThat(Http.get(SERVER, "/docs/" + script.group(1)).statusCode()).isEqualTo(200);
    }

    @Test
    void theSpeechRouteIsDescribedWithItsRequestBody() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/docs/specification.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode spec = Http.JSON.readTree(r.body());
        JsonNode speech = null;
        for (JsonNode service : spec.path("services")) {
            for (JsonNode method : service.path("methods")) {
                if (method.path("name").asText().equals("speech")) {
                    speech = method;
                }
            }
        }
        assertThat(speech).as("the speech method in %s", spec.path("services").findValuesAsText("name")).isNotNull();
        JsonNode info = spec.path("docStrings").path("dev.chorus.server.openai.OpenAiSpeechService/speech");
        String description = info.path("docString").asText();
        assertThat(description).as(spec.path("docStrings").toString()).contains("`input`", "**required**", "`voice`", "`response_format`", "`speed`",
                "`stream_format`", "`sample_rate`");
        assertThat(info.path("markup").asText()).isEqualToIgnoringCase("markdown");
        assertThat(speech.path("exampleRequests").toString()).contains("Hello from Chorus.");
    }
}

package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code marytts.enabled: false}, the MaryTTS-compatible routes are not served. */
@Timeout(30)
class MaryTtsDisabledTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 1).defaultVoice("paced:tone"), s -> s,
            c -> c.warmUp(false).maryTtsEnabled(false));

    @Test
    void theRoutesAreGone() throws Exception {
        for (String path : List.of("/process?INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE"
                + "&LOCALE=en_US", "/voices", "/locales", "/audioformats", "/version")) {
            HttpResponse<byte[]> r = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        HttpResponse<byte[]> v1 = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/voices")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(v1.statusCode()).as("the rest of the API is still served").isEqualTo(200);
        HttpResponse<String> doc = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/openapi.json")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(doc.body()).as("the API description leaves them out too").doesNotContain("\"/process\"",
                "\"/version\"").contains("\"/v1/models\"");
    }
}

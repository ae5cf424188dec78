package dev.chorus.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The MaryTTS routes sit behind the tenants' keys like every speech route: refused without one, served with one. */
@Timeout(30)
class MaryTtsTenantTest {

    @TempDir
    static Path dir;

    private static TenantServer server;

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("tenants.yaml");
        TenantServer.write(file, new TenantServer.Spec("home", "home-key-0123456789", ""));
        server = new TenantServer(file, c -> c);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<byte[]> process(String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/process")).POST(HttpRequest.BodyPublishers
                .ofString("INPUT_TEXT=Hello+there.&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&LOCALE=en_US&AUDIO=WAVE_FILE"));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return server.send(b.build());
    }

    @Test
    void aKeyIsNeededAndEnough() throws Exception {
        assertThat(process(null).statusCode()).isEqualTo(401);
        assertThat(process("wrong-key").statusCode()).isEqualTo(401);
        assertThat(server.get("/voices", null).statusCode()).isEqualTo(401);

        HttpResponse<byte[]> ok = process("home-key-0123456789");
        assertThat(ok.statusCode()).as(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(new String(ok.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(server.get("/voices", "home-key-0123456789").statusCode()).isEqualTo(200);
    }
}

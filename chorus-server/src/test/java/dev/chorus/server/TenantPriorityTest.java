package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's priority reaches the engine's admission: when an engine is nearly full, a low-priority tenant's request
 * is shed (503 with Retry-After) while a normal tenant's is still admitted.
 */
class TenantPriorityTest {

    private static final String STEADY_KEY = ApiKeyHash.newKey();
    private static final String BULK_KEY = ApiKeyHash.newKey();
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("chorus-tenant-priority");
            Files.writeString(DIR.resolve("tenants.yaml"), """
                    tenants:
                      - id: steady
                        keys: [{id: k1, hash: "%s"}]
                      - id: bulk
                        priority: -1
                        keys: [{id: k1, hash: "%s"}]
                    """.formatted(ApiKeyHash.of(STEADY_KEY), ApiKeyHash.of(BULK_KEY)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One worker and four admission slots: low priority may take three of them. */
    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 1).defaultVoice("paced:tone"), s -> s.maxPendingPerWorker(4),
            c -> c.warmUp(false).tenantsFile(DIR.resolve("tenants.yaml")).tenantsStateDir(DIR.resolve("state")));

    @Test
    void aNearlyFullEngineShedsTheLowPriorityTenantFirst() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            // Three requests of 20 words (about 0.5 s each on the one worker) hold three of the four slots.
            String words = String.join(" ", java.util.Collections.nCopies(20, "word")) + ".";
            List<CompletableFuture<HttpResponse<byte[]>>> holding = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                holding.add(client.sendAsync(speech(STEADY_KEY, words + " Take " + i + "."),
                        HttpResponse.BodyHandlers.ofByteArray()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pending(client) < 3) {
                assertThat(System.nanoTime()).as("three requests in progress").isLessThan(deadline);
                Thread.sleep(10);
            }

            HttpResponse<byte[]> bulk = client.send(speech(BULK_KEY, "Hello."), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bulk.statusCode()).isEqualTo(503);
            assertThat(Http.json(bulk).get("error").get("message").asText()).contains("low-priority");
            assertThat(bulk.headers().firstValue("retry-after")).isPresent();

            HttpResponse<byte[]> steady = client.send(speech(STEADY_KEY, "Hello."),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(steady.statusCode()).isEqualTo(200);
            for (CompletableFuture<HttpResponse<byte[]>> f : holding) {
                assertThat(f.join().statusCode()).isEqualTo(200);
            }
            // Once the engine is free again, the low-priority tenant is served.
            assertThat(client.send(speech(BULK_KEY, "Hello."), HttpResponse.BodyHandlers.ofByteArray()).statusCode())
                    .isEqualTo(200);
        }
    }

    private static int pending(HttpClient client) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(base().resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return Http.json(r).get("engines").get("paced").get("pending_requests").asInt();
    }

    private static HttpRequest speech(String key, String text) {
        return HttpRequest.newBuilder(base().resolve("/v1/audio/speech"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(text)
                        + ",\"voice\":\"paced:tone\",\"response_format\":\"pcm\"}")).build();
    }

    private static URI base() {
        return URI.create("http://127.0.0.1:" + SERVER.server().port());
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.engine.hmm.HmmEngineProvider;
import dev.chorus.jobs.JobsConfig;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.SafetyConfig;
import dev.chorus.service.backcheck.BackcheckMode;
import dev.chorus.service.backcheck.BackcheckSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's own back-check mode replaces the server's: on a server that samples nothing, the tenant with
 * {@code backcheck: {mode: strict}} gets audio that says a blocked word refused (422 {@code speech_mismatch}), and
 * its long-form job with that audio fails, while another tenant's same request is served.
 */
@Timeout(240)
class TenantBackcheckTest {

    private static final String GUARDED = "sk-backcheck-guarded-0123456789";
    private static final String OPEN = "sk-backcheck-open-0123456789ab";
    private static final Path DIR = tempDir();
    private static final String SWAPPED = "{\"input\":\"Please put the bottle under the table.\","
            + "\"lexicon\":[{\"grapheme\":\"bottle\",\"alias\":\"bomb\"}],\"response_format\":\"wav\"}";

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new HmmEngineProvider()),
            r -> r.workers("hmm", 1), s -> s, c -> c.warmUp(false)
                    .tenantsFile(tenants())
                    .safety(SafetyConfig.builder().rules(write(DIR.resolve("rules.yaml"), """
                                    rules:
                                      - id: violence-en
                                        category: violence
                                        terms: [bomb]
                                    """)).policy(ContentPolicy.parse(Map.of("violence", "block")))
                            .reloadInterval(Duration.ZERO).build())
                    .backcheck(BackcheckSettings.OFF.withMode(BackcheckMode.SAMPLED).withSampleFraction(0))
                    .jobs(JobsConfig.builder(DIR.resolve("data")).build()));

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("chorus-tenant-backcheck");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path tenants() {
        Path file = DIR.resolve("tenants.yaml");
        try {
            TenantServer.write(file, new TenantServer.Spec("guarded", GUARDED, "backcheck: {mode: strict}"),
                    new TenantServer.Spec("open", OPEN, ""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    private static HttpResponse<byte[]> post(String path, String key, String body) throws Exception {
        return SERVER.http().send(HttpRequest.newBuilder(SERVER.uri(path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theTenantsStrictModeRefusesWhatTheServerWouldServe() throws Exception {
        HttpResponse<byte[]> guarded = post("/v1/audio/speech", GUARDED, SWAPPED);
        assertThat(guarded.statusCode()).as(new String(guarded.body(), StandardCharsets.UTF_8)).isEqualTo(422);
        assertThat(Http.json(guarded).get("error").get("code").asText()).isEqualTo("speech_mismatch");

        HttpResponse<byte[]> open = post("/v1/audio/speech", OPEN, SWAPPED);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body().length).isGreaterThan(48_000);
    }

    @Test
    void theTenantsJobFailsOnAMismatch() throws Exception {
        HttpResponse<byte[]> created = post("/v1/audio/jobs", GUARDED, SWAPPED);
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        String id = Http.json(created).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = Http.json(SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/jobs/" + id))
                    .header("Authorization", "Bearer " + GUARDED).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
            String status = job.get("status").asText();
            if (status.equals("failed") || status.equals("succeeded")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("failed");
        assertThat(job.get("error").get("message").asText()).contains("back-check").doesNotContain("bomb");
    }
}

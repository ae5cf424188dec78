package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.audio.WavFiles;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.SafetyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenants, workload identities and content policies together on one server: a client certificate's SPIFFE ID
 * stands in for an API key on the mutual-TLS port, an unknown SPIFFE ID is 403, the plain port still wants a key,
 * and each tenant's content policy is laid over the server's.
 */
class TenantIdentityTest {

    private static final String READER = "spiffe://example.org/ns/speech/sa/reader";
    private static final String STRANGER = "spiffe://example.org/ns/billing/sa/batch";
    private static final String ADMIN = "admin-key-0123456789";
    private static final String STRICT_KEY = ApiKeyHash.newKey();
    private static final String TEXT = "{\"input\":\"One two three.\",\"voice\":\"paced:tone\",\"response_format\":\"wav\"}";
    private static final String FLAGGED = "{\"input\":\"One forbidden three.\",\"voice\":\"paced:tone\","
            + "\"response_format\":\"wav\"}";

    private static final Path DIR;
    private static final TestPki.Issued CA;

    static {
        try {
            DIR = Files.createTempDirectory("chorus-tenant-identity");
            CA = TestPki.authority("Chorus test CA");
            TestPki.server(CA, "spiffe://example.org/chorus").write(DIR, "server");
            TestPki.writeAtomically(DIR.resolve("bundle.pem"), TestPki.pem(List.of(CA.certificate())));
            // The workload tenant has no content policy of its own; the strict one blocks 'demo' content.
            Files.writeString(DIR.resolve("tenants.yaml"), """
                    tenants:
                      - id: speech
                        spiffe-ids: ["spiffe://example.org/ns/speech/*"]
                      - id: strict
                        keys:
                          - {id: k1, hash: "%s"}
                        content-policy: {demo: block}
                    """.formatted(ApiKeyHash.of(STRICT_KEY)));
            Files.writeString(DIR.resolve("rules.yaml"), """
                    rules:
                      - id: demo-term
                        category: demo
                        terms: [forbidden]
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 2).defaultVoice("paced:tone"), s -> s,
            c -> c.warmUp(false).adminKey(ADMIN)
                    .tenantsFile(DIR.resolve("tenants.yaml")).tenantsStateDir(DIR.resolve("state"))
                    .safety(SafetyConfig.builder().rules(DIR.resolve("rules.yaml"))
                            .policy(ContentPolicy.parse(Map.of("default", "log"))).build())
                    .tls(TlsConfig.builder().port(0)
                            .certificate(DIR.resolve("server.pem")).privateKey(DIR.resolve("server.key"))
                            .trustBundle(DIR.resolve("bundle.pem")).clientAuth(TlsConfig.ClientAuth.OPTIONAL)
                            .build()));

    @Test
    void aWorkloadWithAMappedSpiffeIdNeedsNoKeyAndIsCountedForItsTenant() throws Exception {
        long before = requests("speech");
        HttpResponse<byte[]> r = postTls(TestPki.svid(CA, READER).clientContext(CA.certificate()), TEXT, null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(WavFiles.read(r.body()).seconds()).isBetween(0.2, 1.0);
        assertThat(requests("speech")).isEqualTo(before + 1);
    }

    @Test
    void anUnknownSpiffeIdIs403AndNoCertificateNoKeyIs401() throws Exception {
        HttpResponse<byte[]> stranger = postTls(TestPki.svid(CA, STRANGER).clientContext(CA.certificate()), TEXT,
                null);
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(Http.json(stranger).get("error").get("code").asText()).isEqualTo("unknown_identity");

        HttpResponse<byte[]> anonymous = postTls(TestPki.anonymousClient(CA.certificate()), TEXT, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<byte[]> plain = postPlain(TEXT, null);
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(postPlain(TEXT, STRICT_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void eachTenantsContentPolicyIsLaidOverTheServers() throws Exception {
        // The server's policy only logs; the strict tenant blocks the category, the workload tenant does not.
        HttpResponse<byte[]> strict = postPlain(FLAGGED, STRICT_KEY);
        assertThat(strict.statusCode()).isEqualTo(422);
        JsonNode e = Http.json(strict).get("error");
        assertThat(e.get("code").asText()).isEqualTo("content_blocked");
        assertThat(e.get("category").asText()).isEqualTo("demo");
        assertThat(new String(strict.body())).doesNotContain("forbidden");

        HttpResponse<byte[]> workload = postTls(TestPki.svid(CA, READER).clientContext(CA.certificate()), FLAGGED,
                null);
        assertThat(workload.statusCode()).isEqualTo(200);
    }

    private static long requests(String tenant) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + SERVER.server().port() + "/admin/tenants/" + tenant))
                    .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            return Http.json(r).get("usage").get("requests").asLong();
        }
    }

    private static HttpResponse<byte[]> postPlain(String json, String key) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request(URI.create("http://127.0.0.1:" + SERVER.server().port()), json, key),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static HttpResponse<byte[]> postTls(SSLContext ssl, String json, String key) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(20))
                .build()) {
            return client.send(request(URI.create("https://127.0.0.1:" + SERVER.server().tlsPort()), json, key),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static HttpRequest request(URI base, String json, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/v1/audio/speech"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b.build();
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.ServiceConfig;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.SynthesizeResponse;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.server.tenant.TenantAuthDecorator;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keys and tenants against a real server: a missing, wrong or revoked key is 401, another tenant's voice is 403,
 * open routes stay open, a reload takes effect without a restart and a broken file keeps the previous tenants,
 * the concurrent-stream limit frees its slot when a stream ends, and gRPC callers get the matching statuses.
 */
class TenantsAuthTest {

    static final String ADMIN = "admin-key-0123456789";
    static final String KEY_A = ApiKeyHash.newKey();
    static final String KEY_B = ApiKeyHash.newKey();
    static final String KEY_S = ApiKeyHash.newKey();
    static final String KEY_R = ApiKeyHash.newKey();

    @TempDir
    static Path dir;
    static Path file;
    static TenantServer server;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        file = dir.resolve("tenants.yaml");
        writeTenants(false);
        server = new TenantServer(file, c -> c.adminKey(ADMIN));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Tenant a may use every voice; b only espeak voices; s one stream at a time. */
    private static void writeTenants(boolean revokeA) throws Exception {
        String a = "  - id: a\n    priority: 7\n    keys:\n      - id: main\n        hash: \"" + HASH_A + "\"\n"
                + (revokeA ? "        revoked: true\n" : "")
                + "    content-policy: {default: log, violence: mask}\n";
        String b = "  - id: b\n    keys:\n      - {id: k1, hash: \"" + ApiKeyHash.of(KEY_B) + "\"}\n"
                + "    voices: [\"espeak:*\", nova]\n";
        String s = "  - id: s\n    keys:\n      - {id: k1, hash: \"" + ApiKeyHash.of(KEY_S) + "\"}\n"
                + "    limits: {concurrent-streams: 1}\n";
        String r = "  - id: r\n    keys:\n      - {id: k1, hash: \"" + HASH_R + "\"}\n"
                + "    limits: {requests-per-second: 1}\n";
        Files.writeString(file, "tenants:\n" + a + b + s + r, StandardCharsets.UTF_8);
    }

    private static final ApiKeyHash HASH_A = ApiKeyHash.of(KEY_A);
    private static final ApiKeyHash HASH_R = ApiKeyHash.of(KEY_R);

    private static JsonNode error(HttpResponse<byte[]> r) throws Exception {
        return Http.json(r).get("error");
    }

    @Test
    void aRequestWithoutAKeyIs401InOpenAisShape() throws Exception {
        HttpResponse<byte[]> r = server.send(server.speech(null, "Hello.", null));
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode e = error(r);
        assertThat(e.get("code").asText()).isEqualTo("missing_api_key");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.has("param")).isTrue();
        assertThat(e.get("message").asText()).contains("Authorization: Bearer");
        assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"chorus\"");
        assertThat(server.get("/v1/voices", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aWrongKeyIs401() throws Exception {
        HttpResponse<byte[]> r = server.send(server.speech(ApiKeyHash.newKey(), "Hello.", null));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).get("code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void aKeyWorksAsBearerAndAsXApiKey() throws Exception {
        HttpResponse<byte[]> bearer = server.send(server.speech(KEY_S, "Hello there.", null));
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(bearer.body().length).isEqualTo(2 * 1600 * 2); // two words of the paced engine
        HttpResponse<byte[]> x = server.send(HttpRequest.newBuilder(server.uri("/v1/voices"))
                .header("x-api-key", KEY_S).GET().build());
        assertThat(x.statusCode()).isEqualTo(200);
        assertThat(Http.json(x).get("data").get(0).get("id").asText()).isEqualTo("paced:tone");
    }

    @Test
    void openRoutesNeedNoKey() throws Exception {
        assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/metrics", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/openapi.json", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/", null).statusCode()).isEqualTo(200);
    }

    @Test
    void everyRouteButTheOpenAndAdminOnesCarriesTheTenantCheck() throws Exception {
        List<String> routes = new ArrayList<>();
        for (ServiceConfig c : server.server().armeria().serviceConfigs()) {
            String path = c.route().patternString();
            boolean open = List.of("/", "/healthz", "/readyz", "/metrics", "/openapi.json").contains(path)
                    || path.startsWith("/docs") || path.startsWith("/playground/") || path.startsWith("/admin/")
                    || path.startsWith("/grpc.health.v1.Health/"); // Open like /readyz, for probes.
            assertThat(c.service().as(TenantAuthDecorator.class) != null).as(path).isEqualTo(!open);
            routes.add(path);
        }
        assertThat(routes).contains("/v1/audio/speech", "/v1/voices", "/v1/models", "/healthz", "/admin/tenants");
        assertThat(routes).anyMatch(p -> p.startsWith("/chorus.tts.v1.TextToSpeech/"))
                .anyMatch(p -> p.startsWith("/grpc.reflection."));
        // A path that is no route has no check to pass: it is 404 with or without a key.
        assertThat(server.get("/v1/nothing-here", null).statusCode()).isEqualTo(404);
        assertThat(server.get("/v1/nothing-here", KEY_S).statusCode()).isEqualTo(404);
    }

    @Test
    void anotherTenantsVoiceIs403() throws Exception {
        HttpResponse<byte[]> r = server.send(server.speech(KEY_B, "Hello.", "paced:tone"));
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode e = error(r);
        assertThat(e.get("code").asText()).isEqualTo("voice_not_allowed");
        assertThat(e.get("param").asText()).isEqualTo("voice");
        assertThat(e.get("message").asText()).contains("'b'").contains("espeak:*");
        // 'nova' is allowed by its alias name, though it stands for the paced voice here.
        assertThat(server.send(server.speech(KEY_B, "Hello.", "nova")).statusCode()).isEqualTo(200);
    }

    @Test
    void theStreamLimitRefusesASecondStreamAndFreesTheSlotWhenTheFirstEnds() throws Exception {
        // 40 words: a second of engine time.
        CompletableFuture<HttpResponse<byte[]>> first = server.http().sendAsync(
                server.speech(KEY_S, "word ".repeat(40), null), HttpResponse.BodyHandlers.ofByteArray());
        TenantServer.eventually(() -> server.get("/admin/tenants/s", ADMIN).body().length > 0
                && Http.JSON.readTree(server.get("/admin/tenants/s", ADMIN).body()).get("usage")
                .get("open_streams").asInt() == 1);
        HttpResponse<byte[]> second = server.send(server.speech(KEY_S, "Hello.", null));
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(error(second).get("code").asText()).isEqualTo("concurrent_streams_exceeded");
        assertThat(second.headers().firstValue("retry-after")).hasValue("1");
        assertThat(second.headers().firstValue("ratelimit-limit")).hasValue("1");
        assertThat(second.headers().firstValue("ratelimit-remaining")).hasValue("0");
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        TenantServer.eventually(() -> server.send(server.speech(KEY_S, "Hello.", null)).statusCode() == 200);
    }

    @Test
    void aReloadRevokesAKeyWithoutARestartAndABrokenFileKeepsThePreviousTenants() throws Exception {
        assertThat(server.send(server.speech(KEY_A, "Hi.", null)).statusCode()).isEqualTo(200);
        Files.writeString(file, "tenants:\n  - id: a\n    keys: [oops\n", StandardCharsets.UTF_8);
        TenantServer.eventually(() -> !Http.JSON.readTree(server.get("/admin/tenants", ADMIN).body())
                .get("reload_error").isNull());
        String problem = Http.JSON.readTree(server.get("/admin/tenants", ADMIN).body()).get("reload_error").asText();
        assertThat(problem).contains("tenants.yaml:").containsPattern(":\\d+:\\d+: ").contains("previous tenants");
        assertThat(server.send(server.speech(KEY_A, "Hi.", null)).statusCode()).isEqualTo(200);

        writeTenants(true);
        TenantServer.eventually(() -> server.send(server.speech(KEY_A, "Hi.", null)).statusCode() == 401);
        HttpResponse<byte[]> r = server.send(server.speech(KEY_A, "Hi.", null));
        assertThat(error(r).get("code").asText()).isEqualTo("revoked_api_key");
        assertThat(error(r).get("message").asText()).contains("'main'").contains("'a'");
        writeTenants(false);
        TenantServer.eventually(() -> server.send(server.speech(KEY_A, "Hi.", null)).statusCode() == 200);
    }

    @Test
    void theUsageRouteNeedsTheAdminKeyAndShowsLimitsUsageAndPolicy() throws Exception {
        assertThat(server.get("/admin/tenants", null).statusCode()).isEqualTo(401);
        assertThat(server.get("/admin/tenants", KEY_A).statusCode()).isEqualTo(401);
        assertThat(server.send(server.speech(KEY_S, "One two three.", null)).statusCode()).isEqualTo(200);
        JsonNode s = Http.JSON.readTree(server.get("/admin/tenants/s", ADMIN).body());
        assertThat(s.get("limits").get("concurrent_streams").asInt()).isEqualTo(1);
        assertThat(s.get("usage").get("requests").asLong()).isPositive();
        assertThat(s.get("usage").get("characters").asLong()).isGreaterThanOrEqualTo(14);
        TenantServer.eventually(() -> Http.JSON.readTree(server.get("/admin/tenants/s", ADMIN).body())
                .get("usage").get("audio_seconds").asDouble() >= 0.3);
        assertThat(s.get("quota").get("used_characters").asLong()).isGreaterThanOrEqualTo(14);
        assertThat(server.get("/admin/tenants/nobody", ADMIN).statusCode()).isEqualTo(404);
        String metrics = new String(server.get("/metrics", null).body(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("chorus_tenant_requests_total{tenant=\"s\"}")
                .contains("chorus_tenant_characters_total{tenant=\"s\"}")
                .containsPattern("chorus_rejections_total\\{[^}]*reason=\"missing_api_key\"")
                .containsPattern("chorus_requests_total\\{[^}]*tenant=\"s\"");
    }

    @Test
    void grpcCallersGetUnauthenticatedPermissionDeniedAndOk() {
        SynthesizeRequest req = SynthesizeRequest.newBuilder().setText("Hello.").build();
        assertThatThrownBy(() -> TextToSpeechGrpc.newBlockingStub(channel).synthesize(req))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains("no API key");
                });
        assertThatThrownBy(() -> stub("authorization", "Bearer " + KEY_B).synthesize(req))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        SynthesizeResponse ok = stub("x-api-key", KEY_S).synthesize(req);
        assertThat(ok.getAudio().size()).isGreaterThan(1000);

        // One request a second: of two at once, one is refused, with when to retry in the trailers.
        StatusRuntimeException refused = null;
        for (int i = 0; i < 2 && refused == null; i++) {
            try {
                stub("authorization", "Bearer " + KEY_R).synthesize(req);
            } catch (StatusRuntimeException e) {
                refused = e;
            }
        }
        assertThat(refused).isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getStatus().getDescription()).contains("1 requests per second");
        Metadata trailers = refused.getTrailers();
        assertThat(trailers.get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("1");
        assertThat(trailers.get(Metadata.Key.of("ratelimit-limit", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("1");
    }

    private static TextToSpeechGrpc.TextToSpeechBlockingStub stub(String header, String value) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER), value);
        return TextToSpeechGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }
}

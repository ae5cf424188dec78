package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.jobs.JobsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The long-form jobs API against a real server with tenants: create, poll, fetch with Range, list, cancel. */
@Timeout(90)
class JobsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_A = "sk-jobs-tenant-a-0123456789";
    private static final String KEY_B = "sk-jobs-tenant-b-0123456789";
    private static final String KEY_SLOW = "sk-jobs-tenant-slow-0123456";
    private static final String WEBHOOK_SECRET = "jobs-webhook-secret-0123";

    @TempDir
    static Path dir;
    private static TenantServer server;

    @BeforeAll
    static void start() throws Exception {
        Path tenants = dir.resolve("tenants.yaml");
        TenantServer.write(tenants, new TenantServer.Spec("a", KEY_A, ""), new TenantServer.Spec("b", KEY_B, ""),
                new TenantServer.Spec("slow", KEY_SLOW, "limits: {requests-per-second: 1}"));
        Path rules = dir.resolve("rules.yaml");
        java.nio.file.Files.writeString(rules, """
                rules:
                  - id: violence-en
                    category: violence
                    terms: [bomb]
                """);
        server = new TenantServer(tenants, c -> c.safety(dev.chorus.safety.SafetyConfig.builder().rules(rules).build())
                .jobs(JobsConfig.builder(dir.resolve("data")).runChars(120)
                .webhookSecret(WEBHOOK_SECRET).webhookAllow(List.of("127.0.0.1")).build()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<byte[]> create(String key, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/v1/audio/jobs"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return server.send(b.build());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static String text(int sentences) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            s.append("This is line ").append(i + 1).append(". ");
        }
        return s.toString();
    }

    private static JsonNode awaitStatus(String key, String id, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode j = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<byte[]> r = server.get("/v1/audio/jobs/" + id, key);
            assertThat(r.statusCode()).isEqualTo(200);
            j = json(r);
            if (j.get("status").asText().equals(status)) {
                return j;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + ": " + j);
    }

    private static HttpResponse<byte[]> audio(String key, String id, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/v1/audio/jobs/" + id + "/audio"))
                .header("Authorization", "Bearer " + key).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return server.send(b.build());
    }

    @Test
    void aJobIsAcceptedRunsToTheEndAndItsAudioIsServedWithRanges() throws Exception {
        HttpResponse<byte[]> created = create(KEY_A, "{\"input\":" + Http.quote(text(12))
                + ",\"voice\":\"paced:tone\",\"response_format\":\"wav\",\"ttl\":3600}", null);
        assertThat(created.statusCode()).as(new String(created.body())).isEqualTo(202);
        JsonNode c = json(created);
        String id = c.get("id").asText();
        assertThat(c.get("status").asText()).isEqualTo("queued");
        assertThat(c.get("expire_at").asLong() - c.get("created_at").asLong()).isEqualTo(3600);
        assertThat(created.headers().firstValue("location")).hasValue("/v1/audio/jobs/" + id);

        JsonNode done = awaitStatus(KEY_A, id, "succeeded");
        JsonNode p = done.get("progress");
        assertThat(p.get("sentences_total").asInt()).isEqualTo(12);
        assertThat(p.get("sentences_done").asInt()).isEqualTo(12);
        assertThat(p.get("characters_done").asInt()).isGreaterThan(text(12).length() - 30);
        assertThat(done.get("audio_url").asText()).isEqualTo("/v1/audio/jobs/" + id + "/audio");

        HttpResponse<byte[]> whole = audio(KEY_A, id, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("content-type")).hasValue("audio/wav");
        assertThat(whole.headers().firstValue("accept-ranges")).hasValue("bytes");
        Wav wav = WavFiles.read(whole.body());
        assertThat(wav.sampleRate()).isEqualTo(PacedEngineProvider.RATE);
        // Four words a sentence, 100 ms of tone each: the whole text is in the audio, and the job says so.
        assertThat(wav.samples().length).isGreaterThanOrEqualTo(12 * 4 * PacedEngineProvider.RATE / 10);
        assertThat(p.get("audio_seconds").asDouble())
                .isCloseTo(wav.samples().length / (double) PacedEngineProvider.RATE,
                        org.assertj.core.data.Offset.offset(0.01));
        assertThat(done.get("audio_bytes").asLong()).isEqualTo(whole.body().length);

        // Speech marks over the whole input and audio: every sentence, in order, inside the audio's length.
        HttpResponse<byte[]> marks = server.get(done.get("marks_url").asText(), KEY_A);
        assertThat(marks.statusCode()).isEqualTo(200);
        String input = text(12);
        List<JsonNode> sentenceMarks = new ArrayList<>();
        long lastTime = -1;
        for (String line : new String(marks.body(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            JsonNode m = JSON.readTree(line);
            assertThat(m.get("time").asLong()).isGreaterThanOrEqualTo(lastTime)
                    .isLessThanOrEqualTo(Math.round(p.get("audio_seconds").asDouble() * 1000));
            lastTime = m.get("time").asLong();
            if (m.get("type").asText().equals("sentence")) {
                sentenceMarks.add(m);
            }
            if (m.get("type").asText().equals("word") && m.get("value").asText().equals("This")) {
                assertThat(input.substring(m.get("start").asInt(), m.get("end").asInt())).isEqualTo("This");
            }
        }
        assertThat(sentenceMarks).hasSize(12);
        assertThat(input.substring(sentenceMarks.getLast().get("start").asInt())).startsWith("This is line 12");

        HttpResponse<byte[]> first = audio(KEY_A, id, "bytes=0-99");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.body()).isEqualTo(Arrays.copyOf(whole.body(), 100));
        assertThat(first.headers().firstValue("content-range")).hasValue("bytes 0-99/" + whole.body().length);
        HttpResponse<byte[]> tail = audio(KEY_A, id, "bytes=-10");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(whole.body(), whole.body().length - 10,
                whole.body().length));
        HttpResponse<byte[]> past = audio(KEY_A, id, "bytes=" + whole.body().length + "-");
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("content-range")).hasValue("bytes */" + whole.body().length);

        // Another tenant sees nothing of it; the owner removes it, audio and all.
        assertThat(server.get("/v1/audio/jobs/" + id, KEY_B).statusCode()).isEqualTo(404);
        assertThat(audio(KEY_B, id, null).statusCode()).isEqualTo(404);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/v1/audio/jobs/" + id))
                .header("Authorization", "Bearer " + KEY_B).DELETE().build()).statusCode()).isEqualTo(404);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/v1/audio/jobs/" + id))
                .header("Authorization", "Bearer " + KEY_A).DELETE().build()).statusCode()).isEqualTo(204);
        assertThat(server.get("/v1/audio/jobs/" + id, KEY_A).statusCode()).isEqualTo(404);
        assertThat(server.get("/v1/audio/jobs/" + id, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aMillionCharacterInputIsAcceptedAndCanBeCancelled() throws Exception {
        String sentence = "Long form reading goes on and on here. ";
        String input = sentence.repeat(1_000_000 / sentence.length()) + "x".repeat(1_000_000 % sentence.length());
        assertThat(input).hasSize(1_000_000);
        HttpResponse<byte[]> created = create(KEY_B, "{\"input\":" + Http.quote(input)
                + ",\"voice\":\"paced:tone\",\"response_format\":\"mp3\"}", null);
        assertThat(created.statusCode()).as(new String(created.body())).isEqualTo(202);
        String id = json(created).get("id").asText();
        JsonNode j = json(server.get("/v1/audio/jobs/" + id, KEY_B));
        assertThat(j.get("progress").get("sentences_total").asInt()).isGreaterThan(25_000);
        assertThat(j.get("progress").get("characters_total").asInt()).isEqualTo(1_000_000);
        HttpResponse<byte[]> cancel = server.send(HttpRequest.newBuilder(server.uri("/v1/audio/jobs/" + id))
                .header("Authorization", "Bearer " + KEY_B).DELETE().build());
        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(json(cancel).get("status").asText()).isEqualTo("cancelled");
        assertThat(audio(KEY_B, id, null).statusCode()).isEqualTo(409);

        HttpResponse<byte[]> tooLong = create(KEY_B, "{\"input\":" + Http.quote(input + "y") + "}", null);
        assertThat(tooLong.statusCode()).isEqualTo(413);
        assertThat(new String(tooLong.body())).contains("1000001", "jobs.max-input-chars");
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        record Case(String body, int status, String says) {
        }
        for (Case c : List.of(
                new Case("{\"voice\":\"paced:tone\"}", 400, "input: missing"),
                new Case("{\"input\":\"Hi.\",\"ttl\":\"soon\"}", 400, "ttl"),
                new Case("{\"input\":\"Hi.\",\"ttl\":5}", 400, "ttl: 5 seconds"),
                new Case("{\"input\":\"Hi.\",\"webhook_url\":\"http://8.8.8.8/x\"}", 400,
                        "webhook_url: 'http://8.8.8.8/x' (expected: https"),
                new Case("{\"input\":\"Hi.\",\"webhook_url\":\"https://192.168.1.9/x\"}", 400, "not a public address"),
                new Case("{\"input\":\"Hi.\",\"webhook_url\":7}", 400, "webhook_url: 7"),
                new Case("{\"input\":\"Hi.\",\"stream_format\":\"sse\"}", 400, "stream_format"),
                new Case("{\"input\":\"Hi.\",\"voice\":\"nobody\"}", 404, "nobody"),
                new Case("{\"input\":\"   \"}", 400, "blank"),
                new Case("[1]", 400, "JSON object"))) {
            HttpResponse<byte[]> r = create(KEY_A, c.body(), null);
            assertThat(r.statusCode()).as(c.body()).isEqualTo(c.status());
            assertThat(new String(r.body())).as(c.body()).contains(c.says());
        }
        assertThat(server.get("/v1/audio/jobs?limit=0", KEY_A).statusCode()).isEqualTo(400);
        assertThat(new String(server.get("/v1/audio/jobs?after=zzz", KEY_A).body())).contains("cursor");
    }

    @Test
    void anIdempotencyKeyNeverMakesTwoJobsAndListingPagesThroughOnlyTheCallersJobs() throws Exception {
        String body = "{\"input\":\"Only once.\",\"voice\":\"paced:tone\",\"response_format\":\"pcm\"}";
        HttpResponse<byte[]> one = create(KEY_B, body, "order-42");
        HttpResponse<byte[]> two = create(KEY_B, body, "order-42");
        assertThat(two.statusCode()).isEqualTo(202);
        assertThat(json(two).get("id").asText()).isEqualTo(json(one).get("id").asText());
        assertThat(two.headers().firstValue("idempotent-replayed")).hasValue("true");
        HttpResponse<byte[]> other = create(KEY_B, body.replace("once", "twice"), "order-42");
        assertThat(other.statusCode()).isEqualTo(409);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(json(create(KEY_B, "{\"input\":\"Job " + i + ".\",\"voice\":\"paced:tone\"}", null))
                    .get("id").asText());
        }
        List<String> listed = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            JsonNode l = json(server.get("/v1/audio/jobs?limit=2" + (after == null ? "" : "&after=" + after), KEY_B));
            l.get("data").forEach(j -> listed.add(j.get("id").asText()));
            if (!l.get("has_more").asBoolean()) {
                break;
            }
            after = l.get("next_cursor").asText();
        }
        assertThat(listed).containsAll(ids).contains(json(one).get("id").asText()).doesNotHaveDuplicates();
        JsonNode aList = json(server.get("/v1/audio/jobs?limit=100", KEY_A));
        aList.get("data").forEach(j -> assertThat(listed).doesNotContain(j.get("id").asText()));
    }

    @Test
    void creatingAJobCountsAgainstTheTenantsRequestRate() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        String refused = null;
        for (int i = 0; i < 4; i++) {
            HttpResponse<byte[]> r = create(KEY_SLOW, "{\"input\":\"Hi " + i + ".\",\"voice\":\"paced:tone\"}", null);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                refused = new String(r.body());
                assertThat(r.headers().firstValue("retry-after")).isPresent();
            }
        }
        assertThat(statuses).contains(202, 429);
        assertThat(refused).contains("requests per second");
    }

    @Test
    void theApiDescriptionListsTheJobRoutesThisServerServes() throws Exception {
        HttpResponse<byte[]> r = server.get("/openapi.json", null);
        var parsed = new io.swagger.v3.parser.OpenAPIV3Parser().readContents(new String(r.body(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(parsed.getMessages()).isEmpty();
        var paths = parsed.getOpenAPI().getPaths();
        assertThat(paths.get("/v1/audio/jobs").getPost().getOperationId()).isEqualTo("createSpeechJob");
        assertThat(paths.get("/v1/audio/jobs").getGet()).isNotNull();
        assertThat(paths.get("/v1/audio/jobs/{id}").getGet()).isNotNull();
        assertThat(paths.get("/v1/audio/jobs/{id}").getDelete()).isNotNull();
        assertThat(paths.get("/v1/audio/jobs/{id}/audio").getGet().getResponses()).containsKeys("200", "206", "416");
        assertThat(paths.get("/v1/audio/jobs/{id}/marks").getGet()).isNotNull();
        List<String> routes = new ArrayList<>();
        server.server().armeria().serviceConfigs().forEach(c -> routes.add(c.route().patternString()));
        assertThat(routes).contains("/v1/audio/jobs", "/v1/audio/jobs/:id", "/v1/audio/jobs/:id/audio",
                "/v1/audio/jobs/:id/marks");
    }

    @Test
    void aJobWithAWebhookAnnouncesItsEndAndShowsTheDelivery() throws Exception {
        var events = new java.util.concurrent.LinkedBlockingQueue<String[]>();
        var receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(
                java.net.InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", x -> {
            events.add(new String[] {x.getRequestHeaders().getFirst("Chorus-Signature"),
                    new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)});
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        receiver.start();
        try {
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            HttpResponse<byte[]> created = create(KEY_A, "{\"input\":\"Call me back.\",\"voice\":\"paced:tone\","
                    + "\"webhook_url\":" + Http.quote(hook) + "}", null);
            assertThat(created.statusCode()).as(new String(created.body())).isEqualTo(202);
            String id = json(created).get("id").asText();
            String[] event = events.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(event).isNotNull();
            JsonNode body = JSON.readTree(event[1]);
            assertThat(body.get("type").asText()).isEqualTo("job.succeeded");
            assertThat(body.get("job").get("id").asText()).isEqualTo(id);
            long t = Long.parseLong(event[0].substring(2, event[0].indexOf(',')));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(
                    WEBHOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = java.util.HexFormat.of().formatHex(mac.doFinal((t + "." + event[1])
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(event[0]).isEqualTo("t=" + t + ",v1=" + expected);
            JsonNode webhook = null;
            for (int i = 0; i < 100; i++) {
                webhook = json(server.get("/v1/audio/jobs/" + id, KEY_A)).get("webhook");
                if (webhook.get("status").asText().equals("delivered")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(webhook.get("status").asText()).isEqualTo("delivered");
            assertThat(webhook.get("attempts").asInt()).isEqualTo(1);
            assertThat(webhook.get("url").asText()).isEqualTo(hook);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void jobMetricsAreExposedForTheDashboardsAndAlerts() throws Exception {
        HttpResponse<byte[]> created = create(KEY_B, "{\"input\":\"Count me.\",\"voice\":\"paced:tone\"}", null);
        awaitStatus(KEY_B, json(created).get("id").asText(), "succeeded");
        String metrics = new String(server.get("/metrics", null).body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(metrics).contains("chorus_jobs_queued", "chorus_jobs_running",
                "chorus_jobs_oldest_queued_age_seconds", "chorus_jobs_duration_seconds_count");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "chorus_jobs_finished_total\\{[^}]*status=\"succeeded\"[^}]*\\} ([0-9.]+)").matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(1);
        String alerts = java.nio.file.Files.readString(Path.of("..").toAbsolutePath().normalize()
                .resolve("deploy/prometheus/alerts.yml"));
        assertThat(alerts).contains("chorus_jobs_oldest_queued_age_seconds", "chorus_jobs_finished_total");
    }

    @Test
    void aRunTheContentRulesBlockFailsTheJobWithTheReason() throws Exception {
        HttpResponse<byte[]> created = create(KEY_A, "{\"input\":\"A calm start. Then the bomb goes off. The end.\","
                + "\"voice\":\"paced:tone\"}", null);
        assertThat(created.statusCode()).isEqualTo(202);
        JsonNode failed = awaitStatus(KEY_A, json(created).get("id").asText(), "failed");
        assertThat(failed.get("error").get("message").asText()).contains("violence");
        assertThat(failed.has("audio_url")).isFalse();
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Metrics, traces and logs of a real server over the paced test engine: {@code /metrics} moves as requests are
 * served, one streaming request makes the expected span tree under the caller's trace, a log line names the trace
 * id the response header gives, and the dashboard and alert rules only use metrics the server exposes.
 */
class ObservabilityTest {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static final OpenTelemetrySdk OTEL = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
            .build();

    /** One worker and one admitted request at a time, no admission wait: a second concurrent request gets 503. */
    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 1).defaultVoice("paced:tone"),
            s -> s.maxPendingPerWorker(1),
            c -> c.warmUp(false).openTelemetry(OTEL));

    private static final String TEXT = "One two three. Four five six. Seven eight nine.";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @AfterAll
    static void closeSdk() {
        OTEL.close();
    }

    @Test
    void metricsMoveWithRealRequests() throws Exception {
        List<Sample> before = scrape();
        for (String format : List.of("pcm", "pcm", "wav")) {
            var r = Http.post(SERVER, "/v1/audio/speech", "{\"input\":" + Http.quote(TEXT)
                    + ",\"voice\":\"paced:tone\",\"response_format\":\"" + format + "\"}");
            assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":\"\"}").statusCode()).isEqualTo(400);
        assertThat(Http.get(SERVER, "/v1/voices").statusCode()).isEqualTo(200);
        List<Sample> after = awaitScrape(s -> delta(before, s, "chorus_requests_total",
                Map.of("outcome", "invalid_request")) >= 1);

        Map<String, String> pcm = Map.of("route", "/v1/audio/speech", "voice", "paced:tone", "engine", "paced",
                "format", "pcm", "tenant", "anonymous", "outcome", "ok");
        assertThat(delta(before, after, "chorus_requests_total", pcm)).isEqualTo(2);
        assertThat(delta(before, after, "chorus_requests_total", Map.of("format", "wav", "outcome", "ok")))
                .isEqualTo(1);
        assertThat(delta(before, after, "chorus_requests_total",
                Map.of("route", "/v1/audio/speech", "outcome", "invalid_request", "voice", "paced:tone")))
                .isEqualTo(1); // The voice resolved (the default) before the empty text was refused.
        assertThat(delta(before, after, "chorus_requests_total", Map.of("route", "/v1/voices", "outcome", "ok")))
                .isEqualTo(1);
        assertThat(delta(before, after, "chorus_request_duration_seconds_count", pcm)).isEqualTo(2);
        // Nine words at 25 ms each: every request takes at least 0.225 s.
        assertThat(delta(before, after, "chorus_request_duration_seconds_sum", pcm)).isGreaterThan(0.4);
        assertThat(delta(before, after, "chorus_request_duration_seconds_bucket",
                Map.of("format", "pcm", "outcome", "ok", "le", "+Inf"))).isEqualTo(2);

        Map<String, String> ttfa = Map.of("route", "/v1/audio/speech", "voice", "paced:tone", "format", "pcm");
        assertThat(delta(before, after, "chorus_time_to_first_audio_seconds_count", ttfa)).isEqualTo(2);
        assertThat(delta(before, after, "chorus_time_to_first_audio_seconds_sum", ttfa))
                .isGreaterThan(0).isLessThan(delta(before, after, "chorus_request_duration_seconds_sum", pcm));

        Map<String, String> paced = Map.of("engine", "paced", "voice", "paced:tone");
        assertThat(delta(before, after, "chorus_stage_duration_seconds_count", with(paced, "stage", "normalize")))
                .isEqualTo(3);
        assertThat(delta(before, after, "chorus_stage_duration_seconds_count", with(paced, "stage", "synthesize")))
                .isEqualTo(9);
        assertThat(delta(before, after, "chorus_stage_duration_seconds_sum", with(paced, "stage", "synthesize")))
                .isGreaterThan(9 * 3 * 0.025 * 0.9);
        assertThat(delta(before, after, "chorus_stage_duration_seconds_count", with(paced, "stage", "queue")))
                .isEqualTo(9);
        assertThat(delta(before, after, "chorus_stage_duration_seconds_count", with(paced, "stage", "encode")))
                .isEqualTo(3);
        assertThat(delta(before, after, "chorus_real_time_factor_count", paced)).isEqualTo(3);
        double rtfSum = delta(before, after, "chorus_real_time_factor_sum", paced);
        assertThat(rtfSum / 3).isGreaterThan(0.2).isLessThan(1.5);
        assertThat(delta(before, after, "chorus_audio_seconds_total", paced)).isCloseTo(3 * 0.9, within(0.01));
        assertThat(delta(before, after, "chorus_characters_total", paced)).isGreaterThanOrEqualTo(3 * 35);

        Map<String, String> engine = Map.of("engine", "paced");
        assertThat(value(after, "chorus_engine_workers", engine)).isEqualTo(1);
        assertThat(value(after, "chorus_engine_requests_max", engine)).isEqualTo(1);
        assertThat(names(after)).contains("chorus_engine_queue_depth", "chorus_engine_in_flight",
                "chorus_engine_requests_pending", "chorus_voice_loads_total", "chorus_voice_reloads_total",
                "chorus_voice_load_failures", "chorus_voices_loaded", "jvm_memory_used_bytes",
                "jvm_threads_live_threads", "jvm_gc_memory_allocated_bytes_total", "process_cpu_usage",
                "process_uptime_seconds", "system_cpu_logical", "process_cpu_seconds_total");
        assertThat(value(after, "chorus_voice_loads_total", Map.of())).isGreaterThanOrEqualTo(1);
    }

    @Test
    void overloadRejectionsAreCountedAndDashboardMetricsExist() throws Exception {
        List<Sample> before = scrape();
        rejectOne();
        // The GC pause timer appears with the first collection.
        System.gc();
        List<Sample> after = awaitScrape(s -> delta(before, s, "chorus_requests_total",
                Map.of("outcome", "overloaded")) >= 1 && names(s).contains("jvm_gc_pause_seconds_sum"));
        assertThat(delta(before, after, "chorus_rejections_total",
                Map.of("reason", "overloaded", "engine", "paced", "tenant", "anonymous"))).isEqualTo(1);
        assertThat(delta(before, after, "chorus_requests_total",
                Map.of("outcome", "overloaded", "engine", "paced", "voice", "paced:tone"))).isEqualTo(1);

        Set<String> exposed = names(after);
        Path root = Path.of("..").toAbsolutePath().normalize();
        JsonNode dashboard = Http.JSON.readTree(Files.readString(root.resolve("deploy/grafana/chorus.json")));
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(8);
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);
        String alerts = Files.readString(root.resolve("deploy/prometheus/alerts.yml"));
        Set<String> used = new TreeSet<>();
        for (String text : List.of(String.join("\n", exprs), alerts)) {
            Matcher m = Pattern.compile("\\b((?:chorus|jvm|process|armeria)_[a-z0-9_]+)").matcher(text);
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).contains("chorus_requests_total", "chorus_request_duration_seconds_bucket",
                "chorus_time_to_first_audio_seconds_bucket", "chorus_real_time_factor_bucket",
                "chorus_engine_queue_depth", "chorus_rejections_total", "chorus_voice_load_failures");
        // This server caches nothing (each request here must synthesize); AudioCacheTest checks the cache's names.
        // Nor does it run the speech back-check (SpeechBackcheckTest checks those names) or jobs (JobsApiTest), nor
        // is it a cluster gateway (ClusterIT checks the chorus_cluster_ names against a gateway's /metrics).
        assertThat(exposed).containsAll(used.stream().filter(n -> !n.startsWith("chorus_cache_")
                && !n.startsWith("chorus_backcheck_") && !n.startsWith("chorus_safety_speech_")
                && !n.startsWith("chorus_jobs_") && !n.startsWith("chorus_cluster_")).toList());
    }

    @Test
    void alertRulesPassPromtool() throws Exception {
        Path rules = Path.of("..").toAbsolutePath().normalize().resolve("deploy/prometheus/alerts.yml");
        // scripts/install-test-deps.sh installs it (Debian's prometheus package); without it this fails, not skips.
        assertThat(Files.isExecutable(Path.of("/usr/bin/promtool")))
                .as("promtool is missing: run scripts/install-test-deps.sh (apt-get install prometheus)").isTrue();
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "rules", rules.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void streamingRequestMakesSpanTreeUnderCallersTraceAndLogsIt() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentSpan = "00f067aa0ba902b7";
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Logger access = Logger.getLogger("dev.chorus.access");
        Handler capture = new Handler() {
            private final LogFormats.Json format = new LogFormats.Json();

            @Override
            public synchronized void publish(LogRecord record) {
                logged.writeBytes(format.format(record).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        access.addHandler(capture);
        try {
            SPANS.reset();
            var response = SERVER.http().send(java.net.http.HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + traceId + "-" + parentSpan + "-01")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(TEXT)
                            + ",\"voice\":\"paced:tone\",\"response_format\":\"pcm\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-chorus-trace-id")).hasValue(traceId);
            String traceparent = response.headers().firstValue("traceparent").orElseThrow();
            assertThat(traceparent).startsWith("00-" + traceId + "-").endsWith("-01");
            String serverSpanId = traceparent.split("-")[2];
            assertThat(response.headers().firstValue("x-chorus-request-id")).isPresent();

            List<SpanData> spans = awaitSpans(s -> s.stream().filter(x -> x.getName().equals("chorus.chunk"))
                    .count() == 3 && s.stream().anyMatch(x -> x.getKind() == SpanKind.SERVER));
            assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));
            SpanData server = one(spans, "POST /v1/audio/speech");
            assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(server.getSpanId()).isEqualTo(serverSpanId);
            assertThat(server.getParentSpanId()).isEqualTo(parentSpan);
            assertThat(server.getParentSpanContext().isRemote()).isTrue();
            SpanData normalize = one(spans, "chorus.normalize");
            SpanData synthesize = one(spans, "chorus.synthesize");
            assertThat(normalize.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(synthesize.getParentSpanId()).isEqualTo(server.getSpanId());
            List<SpanData> chunks = spans.stream().filter(s -> s.getName().equals("chorus.chunk")).toList();
            assertThat(chunks).allSatisfy(c -> {
                assertThat(c.getParentSpanId()).isEqualTo(synthesize.getSpanId());
                assertThat(c.getEndEpochNanos()).isGreaterThan(c.getStartEpochNanos());
            });
            assertThat(chunks.stream().map(c -> c.getAttributes().get(
                    io.opentelemetry.api.common.AttributeKey.longKey("chorus.chunk.index"))).sorted().toList())
                    .containsExactly(0L, 1L, 2L);
            assertThat(normalize.getEndEpochNanos()).isLessThanOrEqualTo(chunks.getFirst().getStartEpochNanos()
                    + 1_000_000);
            assertThat(server.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(
                    "chorus.voice"))).isEqualTo("paced:tone");

            String line = awaitLine(logged, "\"trace_id\":\"" + traceId + "\"");
            JsonNode entry = Http.JSON.readTree(line);
            assertThat(entry.path("trace_id").asText()).isEqualTo(traceId);
            assertThat(entry.path("span_id").asText()).isEqualTo(serverSpanId);
            assertThat(entry.path("path").asText()).isEqualTo("/v1/audio/speech");
            assertThat(entry.path("status").asInt()).isEqualTo(200);
            assertThat(entry.path("voice").asText()).isEqualTo("paced:tone");
            assertThat(entry.path("tenant").asText()).isEqualTo("anonymous");
            assertThat(entry.path("request_id").asText())
                    .isEqualTo(response.headers().firstValue("x-chorus-request-id").orElseThrow());
            assertThat(entry.path("bytes").asLong()).isEqualTo(response.body().length);
            assertThat(entry.path("message").asText()).isEqualTo("POST /v1/audio/speech 200 "
                    + entry.path("duration_ms").asLong() + "ms " + response.body().length + "B");
            assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("Four five six");
        } finally {
            access.removeHandler(capture);
        }
    }

    /** Holds the engine's only slot with a long request and sends a second, which is refused with 503. */
    private static void rejectOne() throws Exception {
        CompletableFuture<java.net.http.HttpResponse<byte[]>> first = SERVER.http().sendAsync(
                java.net.http.HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"input\":"
                                + Http.quote("one two three four five six seven eight nine ten. ".repeat(4))
                                + ",\"response_format\":\"pcm\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (SERVER.synthesizer().scheduler().pendingRequests("paced") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        var second = Http.post(SERVER, "/v1/audio/speech", "{\"input\":\"Hello.\",\"voice\":\"paced:tone\"}");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private static List<Sample> scrape() throws Exception {
        var r = Http.get(SERVER, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        List<Sample> out = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.find()).as(line).isTrue();
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    /** Scrapes until {@code done} holds: the request metrics are recorded once each response has completed. */
    private static List<Sample> awaitScrape(Predicate<List<Sample>> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Sample> s = scrape();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = scrape();
        }
        return s;
    }

    private static List<SpanData> awaitSpans(Predicate<List<SpanData>> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.test(SPANS.getFinishedSpanItems()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return SPANS.getFinishedSpanItems();
    }

    private static String awaitLine(ByteArrayOutputStream out, String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String all;
            synchronized (out) {
                all = out.toString(StandardCharsets.UTF_8);
            }
            for (String line : all.split("\n")) {
                if (line.contains(needle)) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no log line with " + needle + " in:\n" + out.toString(StandardCharsets.UTF_8));
    }

    private static SpanData one(List<SpanData> spans, String name) {
        List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named " + name + " in " + spans).hasSize(1);
        return named.getFirst();
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new HashMap<>(m);
        out.put(k, v);
        return out;
    }

    private static Set<String> names(List<Sample> samples) {
        Set<String> n = new TreeSet<>();
        samples.forEach(s -> n.add(s.name()));
        return n;
    }

    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name)
                && s.labels().entrySet().containsAll(labels.entrySet())).mapToDouble(Sample::value).sum();
    }

    private static double delta(List<Sample> before, List<Sample> after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}

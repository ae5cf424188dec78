package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What monitoring tools see of a real server over the fast counting engine: Prometheus's own checker finds nothing
 * to complain about in a live scrape, a request faster than real time lands in a real-time-factor bucket below 1,
 * and the server spans follow OpenTelemetry's conventions for HTTP and gRPC.
 */
class TelemetryConventionsTest {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static final OpenTelemetrySdk OTEL = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
            .build();

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new CountingEngineProvider()),
            r -> r.workers("counting", 1).defaultVoice("counting:tone"), s -> s,
            c -> c.warmUp(false).openTelemetry(OTEL));

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<Long> RPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");

    @AfterAll
    static void closeSdk() {
        OTEL.close();
    }

    @Test
    void promtoolFindsNothingWrongInALiveScrape() throws Exception {
        assertThat(Files.isExecutable(PROMTOOL)).as("promtool is missing: scripts/install-test-deps.sh installs "
                + "the Debian package prometheus, which brings it").isTrue();
        // Requests of every kind first, so the families that appear with traffic are there too.
        assertThat(speak("One two three four.").statusCode()).isEqualTo(200);
        assertThat(Http.get(SERVER, "/v1/voices").statusCode()).isEqualTo(200);
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":\"\"}").statusCode()).isEqualTo(400);
        String scrape = scrape();
        assertThat(scrape).contains("armeria_server_connections", "chorus_requests_total");

        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String complaints = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(complaints).as("promtool check metrics").isEmpty();
        assertThat(p.exitValue()).isZero();
        assertThat(scrape).contains("# HELP armeria_server_connections ", "# HELP chorus_real_time_factor ",
                "process_cpu_seconds_total ");
    }

    @Test
    void aRequestFasterThanRealTimeLandsInABucketBelowOne() throws Exception {
        String before = scrape();
        // Ten words: half a second of audio made in a few milliseconds.
        assertThat(speak("one two three four five six seven eight nine ten").statusCode()).isEqualTo(200);
        String after = awaitScrape(s -> bucket(s, "+Inf") > bucket(before, "+Inf"));

        assertThat(bucket(after, "+Inf") - bucket(before, "+Inf")).isEqualTo(1);
        assertThat(bucket(after, "0.5") - bucket(before, "0.5")).as("le=0.5").isEqualTo(1);
        assertThat(after.lines().filter(l -> l.startsWith("chorus_real_time_factor_bucket{")
                && l.contains("engine=\"counting\""))).anyMatch(l -> l.contains("le=\"0.001\""))
                .anyMatch(l -> l.contains("le=\"10.0\""));
    }

    @Test
    void aClientErrorIsNotAServerSpanErrorAndAServerFaultIs() throws Exception {
        SPANS.reset();
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":\"\"}").statusCode()).isEqualTo(400);
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":\"hi\",\"voice\":\"nobody\"}").statusCode())
                .isEqualTo(404);
        CountingEngineProvider.failing = true;
        try {
            assertThat(speak("please " + CountingEngineProvider.FAIL_WORD + " now").statusCode()).isEqualTo(500);
        } finally {
            CountingEngineProvider.failing = false;
        }
        List<SpanData> spans = awaitSpans(s -> servers(s).size() >= 3);
        List<SpanData> servers = servers(spans);
        assertThat(servers).hasSize(3);
        assertThat(servers).filteredOn(s -> status(s) < 500).hasSize(2)
                .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
        assertThat(servers).filteredOn(s -> status(s) == 500).singleElement()
                .satisfies(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    }

    @Test
    void grpcSpansCarryTheRpcAttributesAndTheGrpcStatus() throws Exception {
        SPANS.reset();
        var stub = TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertThat(stub.synthesize(request("one two three")).getAudio().size()).isGreaterThan(44);
        assertThatThrownBy(() -> stub.synthesize(request("")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        CountingEngineProvider.failing = true;
        try {
            assertThatThrownBy(() -> stub.synthesize(request("do " + CountingEngineProvider.FAIL_WORD)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
        } finally {
            CountingEngineProvider.failing = false;
        }
        List<SpanData> servers = servers(awaitSpans(s -> servers(s).size() >= 3));
        assertThat(servers).hasSize(3).allSatisfy(s -> {
            assertThat(s.getName()).isEqualTo("chorus.tts.v1.TextToSpeech/Synthesize");
            assertThat(s.getAttributes().get(RPC_SYSTEM)).isEqualTo("grpc");
            assertThat(s.getAttributes().get(RPC_SERVICE)).isEqualTo("chorus.tts.v1.TextToSpeech");
            assertThat(s.getAttributes().get(RPC_METHOD)).isEqualTo("Synthesize");
        });
        assertThat(servers).extracting(s -> s.getAttributes().get(RPC_STATUS)).containsExactlyInAnyOrder(0L, 3L, 13L);
        assertThat(servers).allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(
                s.getAttributes().get(RPC_STATUS) == 13L ? StatusCode.ERROR : StatusCode.UNSET));
    }

    @Test
    void scrapesAndProbesMakeNoSpans() throws Exception {
        SPANS.reset();
        scrape();
        assertThat(Http.get(SERVER, "/healthz").statusCode()).isEqualTo(200);
        assertThat(Http.get(SERVER, "/readyz").statusCode()).isEqualTo(200);
        // A traced request after them: once its span is there, the others would have been too.
        assertThat(Http.get(SERVER, "/v1/voices").statusCode()).isEqualTo(200);
        List<SpanData> servers = servers(awaitSpans(s -> !servers(s).isEmpty()));
        assertThat(servers).extracting(SpanData::getName).containsExactly("GET /v1/voices");
    }

    @Test
    void dashboardQueriesAreValidAndTheErrorRatioIsZeroWithoutErrors(@TempDir Path dir) throws Exception {
        assertThat(Files.isExecutable(PROMTOOL)).as("promtool is missing: run scripts/install-test-deps.sh").isTrue();
        JsonNode dashboard = Http.JSON.readTree(Files.readString(Path.of("..").toAbsolutePath().normalize()
                .resolve("deploy/grafana/chorus.json")));
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        String errorRatio = null;
        String rtfMean = null;
        int n = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText().replace("$__rate_interval", "1m")
                        .replaceAll("\\$(voice|engine|tenant)", ".*");
                rules.append("      - record: panel_").append(n++).append("\n        expr: ")
                        .append(Http.JSON.writeValueAsString(expr)).append('\n');
                if (panel.path("title").asText().equals("Server error ratio")) {
                    errorRatio = "panel_" + (n - 1);
                } else if (target.path("legendFormat").asText().startsWith("mean")) {
                    rtfMean = "panel_" + (n - 1);
                }
            }
        }
        assertThat(errorRatio).isNotNull();
        assertThat(rtfMean).isNotNull();
        Files.writeString(dir.resolve("dashboard.yml"), rules);
        // Two minutes of traffic with no server error, and an engine whose requests run at a quarter of real time.
        Files.writeString(dir.resolve("test.yml"), """
                rule_files: [dashboard.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'chorus_requests_total{voice="v",engine="e",outcome="ok"}'
                        values: '0+60x5'
                      - series: 'chorus_requests_total{voice="v",engine="e",outcome="invalid_request"}'
                        values: '0+6x5'
                      - series: 'chorus_real_time_factor_sum{voice="v",engine="e"}'
                        values: '0+15x5'
                      - series: 'chorus_real_time_factor_count{voice="v",engine="e"}'
                        values: '0+60x5'
                    promql_expr_test:
                      - expr: %s
                        eval_time: 4m
                        exp_samples:
                          - labels: '%s'
                            value: 0
                      - expr: %s
                        eval_time: 4m
                        exp_samples:
                          - labels: '%s{engine="e"}'
                            value: 0.25
                """.formatted(errorRatio, errorRatio, rtfMean, rtfMean));
        for (String[] command : List.of(new String[] {"check", "rules", "dashboard.yml"},
                new String[] {"test", "rules", "test.yml"})) {
            List<String> args = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
            args.addAll(List.of(command));
            Process p = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        }
    }

    private static SynthesizeRequest request(String text) {
        return SynthesizeRequest.newBuilder().setText(text).setVoice("counting:tone")
                .setFormat(AudioFormat.AUDIO_FORMAT_WAV).build();
    }

    private static HttpResponse<byte[]> speak(String text) throws Exception {
        return Http.post(SERVER, "/v1/audio/speech", "{\"input\":" + Http.quote(text)
                + ",\"voice\":\"counting:tone\",\"response_format\":\"wav\"}");
    }

    private static String scrape() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String awaitScrape(Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String s = scrape();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = scrape();
        }
        return s;
    }

    /** Returns the count of the counting engine's real-time-factor bucket {@code le}, 0 when absent. */
    private static long bucket(String scrape, String le) {
        return scrape.lines().filter(l -> l.startsWith("chorus_real_time_factor_bucket{")
                        && l.contains("engine=\"counting\"") && l.contains("le=\"" + le + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<SpanData> servers(List<SpanData> spans) {
        return spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
    }

    private static long status(SpanData s) {
        Long code = s.getAttributes().get(AttributeKey.longKey("http.response.status_code"));
        return code == null ? -1 : code;
    }

    private static List<SpanData> awaitSpans(Predicate<List<SpanData>> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.test(SPANS.getFinishedSpanItems()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return SPANS.getFinishedSpanItems();
    }
}

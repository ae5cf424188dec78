package dev.chorus.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's autoscaling against the real thing: three real worker processes (eSpeak NG, one engine thread each),
 * scraped by a real Prometheus that labels them as Prometheus Operator would (namespace, service, pod). The KEDA
 * query and the alert rules name only metrics a worker exports, and under load Prometheus evaluates the KEDA query
 * to the total backlog, so that the autoscaler's formula ceil(value / threshold) asks for more workers; without
 * load, to zero (the pool's minimum).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class LiveWorkersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PROMETHEUS = "/usr/bin/prometheus";
    /** Test thresholds, set on the chart as a user would: backlog seconds per worker and activation. */
    private static final double TARGET = 0.05;
    private static final double ACTIVATION = 0.01;
    /** Clients per worker during the load phase: three different backlogs. */
    private static final int[] CLIENTS = {2, 4, 6};
    /** Metrics that appear only at their first event, which these workers cannot cause, and the test that does. */
    private static final Map<String, String> EVENT_ONLY = Map.of("chorus_safety_speech_mismatches_total",
            "counted at the first speech back-check mismatch; chorus-server's SpeechBackcheckTest checks its name");

    private static Path dir;
    private static final List<WorkerProcess> workers = new ArrayList<>();
    private static final int[] ports = new int[3];

    @BeforeAll
    static void startWorkers() throws Exception {
        dir = Files.createTempDirectory(Repo.target(), "workers-");
        for (int i = 0; i < 3; i++) {
            // Worker 0 also runs the speech back-check and refuses beyond three requests, so that every metric the
            // alert rules use appears; the others admit up to 64 requests, all queued behind one engine thread.
            String config = """
                    server:
                      port: 0
                    engines:
                      enabled: [espeak]
                      default-voice: "espeak:en-us"
                      workers: 1
                    limits:
                      max-pending-per-worker: %d
                      max-waiting-requests: 256
                      admission-wait: 0s
                      # The workers queue what they admit (no refusal by predicted wait): the test needs a backlog.
                      max-queue-wait-ratio: 0
                    cache:
                      enabled: false
                    cluster:
                      worker-port: 0
                    data:
                      dir: %s
                    logging:
                      access-log: false
                    %s
                    """.formatted(i == 0 ? 3 : 64, dir.resolve("data" + i),
                    i == 0 ? "backcheck:\n  mode: sampled\n  sample-fraction: 0.5\n" : "");
            Path file = dir.resolve("worker" + i + ".yaml");
            Files.writeString(file, config);
            workers.add(WorkerProcess.start(dir, file));
        }
        for (int i = 0; i < 3; i++) {
            ports[i] = workers.get(i).readyPort();
        }
    }

    @AfterAll
    static void stopWorkers() throws Exception {
        for (WorkerProcess w : workers) {
            w.close();
        }
    }

    @Test
    @Order(1)
    void theKedaQueryAndTheAlertRulesUseOnlyMetricsAWorkerExports() throws Exception {
        int port = ports[0];
        assertThat(speak(port, text(0, 200)).statusCode()).isEqualTo(200);
        // A job, run to its end, for the job metrics.
        HttpResponse<String> created = post(port, "/v1/audio/jobs",
                "{\"input\":\"One short job. It has two sentences.\",\"voice\":\"espeak:en-us\",\"response_format\":\"wav\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = JSON.readTree(created.body()).path("id").asText();
        await(() -> get(port, "/v1/audio/jobs/" + id).body(), b -> b.contains("\"succeeded\""), "job " + id + " done");
        // More requests at once than the worker admits: some are refused (the rejection counter).
        List<Thread> burst = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        for (int i = 0; i < 8; i++) {
            int n = i;
            burst.add(Thread.ofVirtual().start(() -> {
                try {
                    if (speak(port, text(100 + n, 3000)).statusCode() == 503) {
                        refused.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : burst) {
            t.join(60_000);
        }
        assertThat(refused.get()).as("requests refused beyond the worker's three").isPositive();
        // The back-check listens beside the stream: its metrics follow shortly.
        for (int i = 0; i < 4; i++) {
            speak(port, text(200 + i, 120));
        }
        Set<String> exposed = await(() -> metricNames(port),
                n -> n.contains("chorus_backcheck_wer_count") && n.contains("chorus_jobs_finished_total")
                        && n.contains("chorus_rejections_total"), "back-check, job and rejection metrics");

        Set<String> query = chorusNames(kedaQuery(Map.of()));
        assertThat(query).containsExactly("chorus_engine_predicted_wait_seconds");
        assertThat(exposed).as("metrics a worker exports").containsAll(query);

        Set<String> alerts = chorusNames(Files.readString(Repo.root().resolve("deploy/prometheus/alerts.yml")));
        assertThat(alerts).hasSizeGreaterThan(5);
        alerts.removeAll(EVENT_ONLY.keySet());
        // Exported by job-store members only (jobs.store: raft); chorus-app's RaftJobsIT checks them on a member.
        alerts.removeIf(n -> n.startsWith("chorus_jobs_raft_"));
        assertThat(exposed).as("metrics a worker exports").containsAll(alerts);
    }

    @Test
    @Order(2)
    void theImagesHealthCheckAnswersForALiveWorkerOnly() throws Exception {
        Path script = Repo.root().resolve("deploy/docker/healthcheck");
        assertThat(runHealthCheck(script, ports[1])).isZero();
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(runHealthCheck(script, closed)).isNotZero();
    }

    @Test
    @Order(3)
    void prometheusEvaluatesTheKedaQueryToTheReplicaCountTheHpaFormulaPredicts() throws Exception {
        assertThat(Path.of(PROMETHEUS)).as("Prometheus is missing: run scripts/install-test-deps.sh "
                + "(apt-get install prometheus)").isExecutable();
        Map<String, Object> scaled = Chart.find(renderWithTestThresholds(), "ScaledObject", "demo-chorus-worker");
        String query = (String) Chart.at(scaled, "spec", "triggers", 0, "metadata", "query");
        double threshold = Double.parseDouble((String) Chart.at(scaled, "spec", "triggers", 0, "metadata", "threshold"));
        double activation = Double.parseDouble((String) Chart.at(scaled, "spec", "triggers", 0, "metadata",
                "activationThreshold"));
        int min = (Integer) Chart.at(scaled, "spec", "minReplicaCount");
        int max = (Integer) Chart.at(scaled, "spec", "maxReplicaCount");
        assertThat(threshold).isEqualTo(TARGET);

        int promPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            promPort = s.getLocalPort();
        }
        StringBuilder targets = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            // The labels Prometheus Operator gives a target found through the chart's ServiceMonitor.
            targets.append("""
                          - targets: ['127.0.0.1:%d']
                            labels: {namespace: speech, service: demo-chorus-worker, pod: demo-chorus-worker-%d}
                    """.formatted(ports[i], i));
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: chorus-workers
                    scrape_interval: 1s
                    scrape_timeout: 900ms
                    static_configs:
                %s""".formatted(targets));
        Process prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + promPort,
                "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            String base = "http://127.0.0.1:" + promPort;
            await(() -> get(base + "/-/ready").statusCode(), s -> s == 200, "Prometheus ready");
            AtomicInteger seq = new AtomicInteger(1000);
            for (int w = 0; w < 3; w++) {
                for (int c = 0; c < CLIENTS[w]; c++) {
                    int port = ports[w];
                    clients.add(Thread.ofVirtual().start(() -> {
                        while (loading.get()) {
                            try {
                                HttpResponse<String> r = speak(port, text(seq.incrementAndGet(), 800));
                                if (r.statusCode() == 200) {
                                    ok.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                    failures.merge(port + ": " + r.statusCode() + " " + r.body(), 1, Integer::sum);
                                }
                            } catch (Exception e) {
                                failed.incrementAndGet();
                                failures.merge(port + ": " + e, 1, Integer::sum);
                            }
                        }
                    }));
                }
            }
            // Under load: every worker scraped and the pool's backlog above the activation threshold.
            double[] seen = new double[1];
            await(() -> {
                seen[0] = scalar(base, query, now());
                return podsScraped(base);
            }, pods -> pods == 3 && seen[0] > activation, "three workers scraped under load");
            Thread.sleep(3000);

            // One evaluation time for both queries: the KEDA query, and the raw series it is made of.
            double at = now() - 1;
            double value = scalar(base, query, at);
            Map<String, Double> perPod = new HashMap<>();
            for (JsonNode s : vector(base, "chorus_engine_predicted_wait_seconds{namespace=\"speech\","
                    + "service=\"demo-chorus-worker\"}", at)) {
                perPod.merge(s.path("metric").path("pod").asText(), s.path("value").get(1).asDouble(), Math::max);
            }
            double expected = perPod.values().stream().mapToDouble(Double::doubleValue).sum();
            int desired = desired(value, threshold, min, max);
            System.out.printf("KEDA query = %.4f s (per pod %s); target %.2f s per worker -> %d replicas; "
                    + "requests ok %d, failed %d%n", value, perPod, threshold, desired, ok.get(), failed.get());
            assertThat(perPod).as("backlog per pod").hasSize(3);
            assertThat(value).as("the query is the sum over pods of each pod's largest engine backlog")
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(value).as("backlog under load").isGreaterThan(activation);
            assertThat(desired).as("ceil(%s / %s) within [%d, %d]", value, threshold, min, max)
                    .isEqualTo(Math.min(max, Math.max(min, (int) Math.ceil(value / threshold))))
                    .as("under this load the pool grows beyond its three workers").isGreaterThan(3);
            assertThat(failed.get()).as("requests failed under load: %s", failures).isZero();

            // Load gone: the backlog drains to zero, and the pool falls back to its minimum.
            loading.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
            double idle = await(() -> scalar(base, query, now()), v -> v == 0.0, "backlog back to zero");
            assertThat(idle).isLessThanOrEqualTo(activation);
            assertThat(desired(idle, threshold, min, max)).isEqualTo(min);
        } finally {
            loading.set(false);
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    /** The autoscaler's formula for an AverageValue target: ceil(total / target), within [min, max]. */
    private static int desired(double value, double target, int min, int max) {
        return Math.min(max, Math.max(min, (int) Math.ceil(value / target)));
    }

    private static List<Map<String, Object>> renderWithTestThresholds() {
        return Chart.manifests(Chart.template(List.of(), Map.of("autoscaling.targetBacklogSeconds", TARGET,
                "autoscaling.activationBacklogSeconds", ACTIVATION)));
    }

    private static String kedaQuery(Map<String, Object> set) {
        return (String) Chart.at(Chart.find(Chart.manifests(Chart.template(List.of(), set)), "ScaledObject",
                "demo-chorus-worker"), "spec", "triggers", 0, "metadata", "query");
    }

    private static Set<String> chorusNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(chorus_[a-z0-9_]+)").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> metricNames(int port) throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : get(port, "/metrics").body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static int podsScraped(String base) throws Exception {
        return vector(base, "up{service=\"demo-chorus-worker\"} == 1", now()).size();
    }

    private static double scalar(String base, String query, double at) throws Exception {
        JsonNode result = vector(base, query, at);
        return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
    }

    private static JsonNode vector(String base, String query, double at) throws Exception {
        HttpResponse<String> r = get(base + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time=" + String.format(java.util.Locale.ROOT, "%.3f", at));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).as("%s: %s", query, r.body()).isEqualTo("success");
        return body.path("data").path("result");
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static int runHealthCheck(Path script, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CHORUS_PORT", Integer.toString(port));
        Process p = pb.start();
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("health check ended").isTrue();
        return p.exitValue();
    }

    /** A text of about {@code chars} characters, different for each {@code n}. */
    private static String text(int n, int chars) {
        StringBuilder b = new StringBuilder("Request number " + n + ".");
        while (b.length() < chars) {
            b.append(" The quick brown fox jumps over the lazy dog, and the choir sings along.");
        }
        return b.toString();
    }

    private static HttpResponse<String> speak(int port, String input) throws Exception {
        return post(port, "/v1/audio/speech", JSON.writeValueAsString(Map.of("input", input, "voice", "espeak:en-us",
                "response_format", "pcm")));
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return get("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} every 250 ms for up to 40 s until {@code done} holds; returns the last value. */
    private static <T> T await(Probe<T> probe, Predicate<T> done, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        T last = null;
        Exception error = null;
        while (System.nanoTime() < end) {
            try {
                last = probe.get();
                error = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                error = e;
            }
            Thread.sleep(250);
        }
        AssertionError failure = new AssertionError("timed out waiting for " + what + "; last: " + last);
        if (error != null) {
            failure.initCause(error);
        }
        throw failure;
    }
}

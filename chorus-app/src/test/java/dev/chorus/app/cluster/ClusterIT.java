package dev.chorus.app.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real cluster on loopback: one gateway and three workers, each a separate {@code chorus serve} JVM, the workers
 * speaking with the test engine {@code tone}. Started once for the class; the tests run in order and leave the
 * cluster whole for the next (a killed or stopped worker is started again on its port). The gateway spreads texts
 * of {@value #SPREAD_MIN_CHARS} characters or more over several workers; the other tests' texts are shorter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterIT {

    private static final String ADMIN_KEY = "cluster-admin-key-0123456789";
    private static final Duration EJECT_AFTER = Duration.ofMillis(1500);
    private static final int WORKERS = 3;
    /** Worker slots: the three first workers, then the ports their replacements take in the rolling restart. */
    private static final int SLOTS = 2 * WORKERS;
    /** Longer texts than the other tests' are spread over several workers, in runs of two sentences. */
    private static final int SPREAD_MIN_CHARS = 1_000;

    @TempDir
    static Path dir;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static List<String> classPath;
    private static final ChorusProcess[] workers = new ChorusProcess[SLOTS];
    private static final int[] workerPorts = new int[SLOTS];
    /** The slots whose worker runs now. */
    private static final List<Integer> LIVE = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(0, 1, 2));
    private static ChorusProcess gateway;
    private static int gatewayPort;

    @BeforeAll
    static void startCluster() throws Exception {
        // The test engine is found by the workers' ServiceLoader through this services file and the test classes.
        Path engine = dir.resolve("engine/META-INF/services");
        Files.createDirectories(engine);
        Files.writeString(engine.resolve("dev.chorus.tts.spi.TtsEngineProvider"),
                ToneEngineProvider.class.getName() + "\n");
        Path testClasses = Path.of(ToneEngineProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        classPath = List.of(testClasses.toString(), dir.resolve("engine").toString());
        for (int i = 0; i < SLOTS; i++) {
            workerPorts[i] = freePort();
        }
        for (int i = 0; i < SLOTS; i++) {
            Files.writeString(dir.resolve("worker" + i + ".yaml"), """
                    server:
                      port: 0
                      shutdown-timeout: 20s
                    engines:
                      enabled: tone
                      default-voice: tone:a
                      workers: 2
                      tone:
                        voices: a,b
                    cache:
                      enabled: false
                      sentence:
                        max-bytes: 0
                    admin:
                      key: %s
                    """.formatted(ADMIN_KEY));
        }
        for (int i = 0; i < WORKERS; i++) {
            startWorker(i);
        }
        for (int i = 0; i < WORKERS; i++) {
            workers[i].workerPort();
        }
        Files.writeString(dir.resolve("gateway.yaml"), """
                server:
                  port: 0
                engines:
                  default-voice: tone:a
                cache:
                  enabled: false
                admin:
                  key: %s
                cluster:
                  eject-after: %dms
                  spread:
                    min-chars: %d
                    run-pieces: 2
                    in-flight: 3
                """.formatted(ADMIN_KEY, EJECT_AFTER.toMillis(), SPREAD_MIN_CHARS));
        // The replacements' ports are listed from the start: down until the rolling restart starts them.
        String list = String.join(",", Arrays.stream(workerPorts).mapToObj(p -> "127.0.0.1:" + p).toList());
        gateway = ChorusProcess.start(dir, List.of(), List.of("--config", dir.resolve("gateway.yaml").toString(),
                "--role", "gateway", "--workers", list));
        gatewayPort = gateway.httpPort();
        awaitCluster(s -> count(s, "\"state\":\"up\"") == WORKERS, "all workers up");
    }

    private static void startWorker(int i) throws Exception {
        workers[i] = ChorusProcess.start(dir, classPath, List.of("--config",
                dir.resolve("worker" + i + ".yaml").toString(), "--role", "worker",
                "--worker-port", Integer.toString(workerPorts[i])));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (gateway != null) {
            gateway.destroy();
        }
        for (ChorusProcess w : workers) {
            if (w != null && w.alive()) {
                w.signal("CONT");
                w.destroy();
            }
        }
    }

    @Test
    @Order(1)
    void loadsAVoiceOnOneWorkerAndRoutesItThereWhileItIsResident() throws Exception {
        // Voice b is on every worker's list and loaded nowhere: the first request loads it on one worker only.
        String first = cluster();
        assertThat(count(first, "tone:b@1")).isZero();
        long[] before = completed(first);
        assertThat(speech("The first request for voice b.", "tone:b").statusCode()).isEqualTo(200);
        String loaded = awaitCluster(s -> count(s, "\"tone:b@1\"") == 1, "tone:b resident on one worker");
        int home = -1;
        for (int i = 0; i < WORKERS; i++) {
            if (worker(loaded, i).contains("\"tone:b@1\"")) {
                home = i;
            }
        }
        for (int i = 0; i < 6; i++) {
            HttpResponse<byte[]> r = speech("Routed by residency number " + i + ".", "tone:b");
            assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
            assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("tone:b");
        }
        int resident = home;
        // The first request and the six that followed it, all where it loaded voice b.
        String status = awaitCluster(s -> completed(s)[resident] - before[resident] == 7, "seven requests on worker "
                + home + ", where tone:b is resident");
        long[] after = completed(status);
        for (int i = 0; i < WORKERS; i++) {
            if (i != home) {
                assertThat(after[i] - before[i]).as("requests on worker %d", i).isZero();
            }
        }
        assertThat(count(status, "\"tone:b@1\"")).as("workers where tone:b is resident").isEqualTo(1);
        // What an operator sees: every worker, its state, voices and load figures.
        assertThat(count(status, "\"address\":")).isEqualTo(SLOTS);
        assertThat(count(status, "\"state\":\"up\"")).isEqualTo(WORKERS);
        assertThat(status).contains("\"backlog_seconds\":", "\"cpu_load\":", "\"cores\":", "\"threads\":",
                "\"process_memory_bytes\":", "\"voice_rtf\":{", "\"draining\":false");
        // The same through the CLI.
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        int rc;
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            rc = dev.chorus.app.Main.run("cluster", "status", "--url", gatewayUrl(""), "--admin-key", ADMIN_KEY);
        } finally {
            System.setOut(stdout);
        }
        String table = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(rc).as(table).isZero();
        assertThat(table).contains("WORKER", "STATE", "BACKLOG");
        assertThat(table.lines().filter(l -> l.contains(" up ")).count()).as(table).isEqualTo(WORKERS);
        assertThat(table.lines().filter(l -> l.startsWith("127.0.0.1:" + workerPorts[resident] + " "))
                .findFirst().orElseThrow()).contains("tone:b@1*");
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/admin/cluster")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("chorus_cluster_routing_decisions_total{reason=\"resident-only\"}",
                "chorus_cluster_worker_backlog_seconds{worker=\"127.0.0.1:" + workerPorts[home] + "\"}");
        assertThat(status).contains("\"traffic_share\":", "\"ejection_cause\":null", "\"outlier\":{");
        assertThat(table).contains("SHARE", "EJECT");
    }

    @Test
    @Order(2)
    void aWorkerKilledMidStreamIsReplacedAndTheAudioIsCompleteAndInOrder() throws Exception {
        String text = String.join(" ", java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> "Sentence number " + i + " carries a few more words.").toList());
        HttpResponse<InputStream> r = HTTP.send(speechRequest(gatewayPort, text, "tone:a", "pcm"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        InputStream in = r.body();
        byte[] head = in.readNBytes(9_600);
        assertThat(head).hasSize(9_600);
        int serving = servingWorker();
        workers[serving].signal("KILL");
        LIVE.remove(Integer.valueOf(serving));
        byte[] all = concat(head, in.readAllBytes());
        // The same text synthesized by one process alone (a live worker's own HTTP port).
        byte[] single = HTTP.send(speechRequest(workers[LIVE.getFirst()].httpPort(), text, "tone:a", "pcm"),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        // 12 sentences of 8 words, 100 ms a word, at the voice's 16 kHz.
        assertThat(single.length).as("reference length").isEqualTo(96 * 1_600 * 2);
        assertThat(all.length).as("bytes through the gateway").isEqualTo(single.length);
        assertThat(Arrays.mismatch(all, single)).as("first differing byte").isEqualTo(-1);
        assertThat(gateway.log()).contains("request moves from worker 127.0.0.1:" + workerPorts[serving]);
        assertThat(workers[serving].waitFor(10)).isTrue();
        awaitCluster(s -> worker(s, serving).contains("\"state\":\"down\""), "killed worker down");
        dashboardMetricsExposed();
    }

    @Test
    @Order(3)
    void aWorkerThatStopsAnsweringIsEjectedInTimeAndItsStreamMovesOn() throws Exception {
        String text = String.join(" ", java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> "Hung sentence " + i + " has words.").toList());
        HttpResponse<InputStream> r = HTTP.send(speechRequest(gatewayPort, text, "tone:a", "pcm"),
                HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = r.body();
        byte[] head = in.readNBytes(4_800);
        int hung = servingWorker();
        workers[hung].signal("STOP");
        long stopped = System.nanoTime();
        try {
            awaitCluster(s -> worker(s, hung).contains("\"state\":\"ejected\""), "worker ejected");
            Duration took = Duration.ofNanos(System.nanoTime() - stopped);
            // Ejected after the configured silence (a little more while this machine is busy), not at a timeout.
            assertThat(took).isGreaterThanOrEqualTo(EJECT_AFTER.minusMillis(300))
                    .isLessThan(EJECT_AFTER.plusSeconds(8));
            byte[] all = concat(head, in.readAllBytes());
            int other = LIVE.stream().filter(i -> i != hung).findFirst().orElseThrow();
            byte[] single = HTTP.send(speechRequest(workers[other].httpPort(), text, "tone:a", "pcm"),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            assertThat(single.length).as("reference length").isEqualTo(40 * 1_600 * 2);
            assertThat(Arrays.mismatch(all, single)).as("first differing byte").isEqualTo(-1);
            HttpResponse<byte[]> during = speech("Served while one worker hangs.", "tone:a");
            assertThat(during.statusCode()).isEqualTo(200);
        } finally {
            workers[hung].signal("CONT");
        }
        awaitCluster(s -> worker(s, hung).contains("\"state\":\"up\""), "worker back after SIGCONT");
    }

    /**
     * Every worker is replaced, one at a time, as an orchestrator rolls a deployment: its replacement starts, and
     * once the gateway sees it up the old worker gets SIGTERM, drains and exits.
     */
    @Test
    @Order(4)
    void aRollingRestartUnderSteadyLoadFailsNoRequest() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            int client = c;
            clients.add(Thread.ofPlatform().start(() -> {
                int n = 0;
                while (running.get()) {
                    try {
                        HttpResponse<byte[]> r = speech("Client " + client + " request " + n++
                                + " keeps going. It has two sentences.", "tone:a");
                        if (r.statusCode() == 200 && r.body().length > 44 + 16_000) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body().length + " "
                                    + new String(r.body(), 0, Math.min(300, r.body().length)));
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        List<Integer> old = List.copyOf(LIVE);
        List<Integer> replacements = old.stream().map(i -> i + WORKERS).toList();
        for (int r : replacements) {
            startWorker(r);
        }
        try {
            for (int k = 0; k < old.size(); k++) {
                int next = replacements.get(k);
                workers[next].workerPort();
                awaitCluster(s -> worker(s, next).contains("\"state\":\"up\""), "replacement " + next + " up");
                int i = old.get(k);
                workers[i].signal("TERM");
                assertThat(workers[i].waitFor(60)).as("worker %d exits after draining", i).isTrue();
                assertThat(workers[i].log()).contains("worker drained");
                LIVE.remove(Integer.valueOf(i));
                LIVE.add(next);
            }
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
        assertThat(failures).as("failed requests during the rolling restart").isEmpty();
        assertThat(ok.get()).as("requests served during the rolling restart").isGreaterThan(10);
        assertThat(cluster()).contains("\"state\":\"up\"");
    }

    @Test
    @Order(5)
    void aLongTextRunsOnSeveralWorkersAndEqualsOneProcessByteForByte() throws Exception {
        String text = spreadText("Spread", 24);
        byte[] single = HTTP.send(resampledRequest(workers[LIVE.getFirst()].httpPort(), text),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        // 24 sentences of 8 words (a few more where a number reads as two), 100 ms a word, at 22.05 kHz.
        assertThat(single.length).as("reference length").isBetween(2 * 190 * 2_205, 2 * 198 * 2_205);
        long[] before = spreadRuns();
        HttpResponse<byte[]> r = HTTP.send(resampledRequest(gatewayPort, text),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(new String(r.body(), 0, Math.min(300, r.body().length))).isEqualTo(200);
        assertThat(Arrays.mismatch(r.body(), single)).as("first differing byte").isEqualTo(-1);
        long[] after = spreadRuns();
        long runs = 0;
        int used = 0;
        for (int i = 0; i < SLOTS; i++) {
            runs += after[i] - before[i];
            used += after[i] > before[i] ? 1 : 0;
        }
        assertThat(runs).as("runs of two sentences").isEqualTo(12);
        assertThat(used).as("workers that ran some of it").isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(6)
    void aWorkerKilledInTheMiddleOfASpreadTextLeavesCompleteIdenticalAudio() throws Exception {
        String text = spreadText("Second", 30);
        HttpResponse<InputStream> r = HTTP.send(resampledRequest(gatewayPort, text),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        InputStream in = r.body();
        byte[] head = in.readNBytes(2 * 2_205 * 5);
        assertThat(head).hasSize(2 * 2_205 * 5);
        // A worker with a run of this request in progress.
        Pattern running = Pattern.compile("\"outstanding\":[1-9]");
        String busy = awaitCluster(s -> running.matcher(s).find(), "a worker running a run");
        int victim = LIVE.stream().filter(i -> running.matcher(worker(busy, i)).find()).findFirst().orElseThrow();
        workers[victim].signal("KILL");
        LIVE.remove(Integer.valueOf(victim));
        byte[] all = concat(head, in.readAllBytes());
        byte[] single = HTTP.send(resampledRequest(workers[LIVE.getFirst()].httpPort(), text),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(single.length).as("reference length").isGreaterThan(2 * 238 * 2_205);
        assertThat(all.length).as("bytes through the gateway").isEqualTo(single.length);
        assertThat(Arrays.mismatch(all, single)).as("first differing byte").isEqualTo(-1);
        assertThat(gateway.log()).contains("move from worker 127.0.0.1:" + workerPorts[victim]);
        assertThat(workers[victim].waitFor(10)).isTrue();
    }

    @Test
    @Order(7)
    void noWorkerAbleToServeIsA503WithRetryAfterNotAHang() throws Exception {
        for (int i : LIVE) {
            workers[i].signal("KILL");
        }
        awaitCluster(s -> count(s, "\"state\":\"up\"") == 0, "no worker up");
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = speech("Nobody can say this.", "tone:a");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThat(new String(r.body())).contains("no worker can serve voice tone:a");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    // --- helpers ---

    /** Returns {@code n} sentences of eight words each, at least {@link #SPREAD_MIN_CHARS} long for n >= 24. */
    private static String spreadText(String word, int n) {
        String text = String.join(" ", java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> word + " sentence number " + i + " has a few words.").toList());
        assertThat(text.length()).isGreaterThanOrEqualTo(SPREAD_MIN_CHARS);
        return text;
    }

    /** A PCM request at 22.05 kHz, which the gateway (or a single process) resamples to from the voice's 16 kHz. */
    private static HttpRequest resampledRequest(int port, String text) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + text + "\",\"voice\":\"tone:a\","
                        + "\"response_format\":\"pcm\",\"sample_rate\":22050}")).build();
    }

    /** Returns, per worker slot, the runs of spread requests the gateway sent it (its /metrics). */
    private static long[] spreadRuns() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long[] n = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            Matcher m = Pattern.compile("(?m)^chorus_cluster_spread_runs_total\\{worker=\"127\\.0\\.0\\.1:"
                    + workerPorts[i] + "\"} ([0-9.]+)").matcher(metrics);
            n[i] = m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        }
        return n;
    }

    /** Checks that every cluster metric the Grafana dashboard charts is one the gateway exposes. */
    private static void dashboardMetricsExposed() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("..").toAbsolutePath().normalize()
                .resolve("deploy/grafana/chorus.json"));
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("\\b(chorus_cluster_[a-z0-9_]+)")
                .matcher(dashboard);
        java.util.Set<String> names = new java.util.TreeSet<>();
        while (used.find()) {
            names.add(used.group(1));
        }
        assertThat(names).as("cluster metrics on the dashboard").hasSizeGreaterThanOrEqualTo(6);
        for (String name : names) {
            assertThat(metrics).as("the gateway's /metrics").containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    private static int servingWorker() throws Exception {
        String s = awaitCluster(x -> count(x, "\"outstanding\":1") == 1, "one worker serving");
        for (int i = 0; i < SLOTS; i++) {
            if (worker(s, i).contains("\"outstanding\":1")) {
                return i;
            }
        }
        throw new AssertionError("no serving worker in " + s);
    }

    private static HttpResponse<byte[]> speech(String text, String voice) throws Exception {
        return HTTP.send(speechRequest(gatewayPort, text, voice, "wav"), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest speechRequest(int port, String text, String voice, String format) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + text + "\",\"voice\":\"" + voice
                        // The voice's own 16 kHz (pcm is 24 kHz by default on the OpenAI route).
                        + "\",\"response_format\":\"" + format + "\",\"sample_rate\":16000}")).build();
    }

    private static String gatewayUrl(String path) {
        return "http://127.0.0.1:" + gatewayPort + path;
    }

    static String cluster() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/admin/cluster")))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static String awaitCluster(Predicate<String> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = cluster();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not reached in 60 s: " + what + "; last status: " + last + "\ngateway log:\n"
                + gateway.log());
    }

    /** Returns the JSON of worker {@code i} (by its port) within a status. */
    private static String worker(String status, int i) {
        int at = status.indexOf("\"address\":\"127.0.0.1:" + workerPorts[i] + "\"");
        if (at < 0) {
            return "";
        }
        int end = status.indexOf("\"address\":", at + 10);
        return status.substring(at, end < 0 ? status.length() : end);
    }

    private static long[] completed(String status) {
        long[] n = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            Matcher m = Pattern.compile("\"requests_completed\":(\\d+)").matcher(worker(status, i));
            n[i] = m.find() ? Long.parseLong(m.group(1)) : -1;
        }
        return n;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

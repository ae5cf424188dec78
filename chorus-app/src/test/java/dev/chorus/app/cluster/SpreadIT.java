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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long text spread over a real cluster on loopback: one gateway ({@code cluster.spread.min-chars} 200, runs of
 * two sentences, three in flight) and three workers, each a separate {@code chorus serve} JVM speaking with the
 * test engine {@code tone}. The audio, at a rate the gateway resamples to, equals one process's synthesis byte for
 * byte; its runs land on several workers; and with one worker killed (SIGKILL) in the middle of the stream it is
 * still complete and identical.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpreadIT {

    private static final String ADMIN_KEY = "spread-admin-key-0123456789";
    private static final int WORKERS = 3;
    private static final String TEXT = String.join(" ", IntStream.range(0, 12)
            .mapToObj(i -> "Spread sentence number " + i + " has a few words.").toList());

    @TempDir
    static Path dir;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ChorusProcess[] workers = new ChorusProcess[WORKERS];
    private static final int[] workerPorts = new int[WORKERS];
    private static ChorusProcess gateway;
    private static int gatewayPort;

    @BeforeAll
    static void startCluster() throws Exception {
        Path engine = dir.resolve("engine/META-INF/services");
        Files.createDirectories(engine);
        Files.writeString(engine.resolve("dev.chorus.tts.spi.TtsEngineProvider"),
                ToneEngineProvider.class.getName() + "\n");
        Path testClasses = Path.of(ToneEngineProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        List<String> classPath = List.of(testClasses.toString(), dir.resolve("engine").toString());
        Files.writeString(dir.resolve("worker.yaml"), """
                server:
                  port: 0
                engines:
                  enabled: tone
                  default-voice: tone:a
                  workers: 2
                  tone:
                    word-millis: 30
                cache:
                  enabled: false
                  sentence:
                    max-bytes: 0
                """);
        for (int i = 0; i < WORKERS; i++) {
            workerPorts[i] = freePort();
            workers[i] = ChorusProcess.start(dir, classPath, List.of("--config", dir.resolve("worker.yaml").toString(),
                    "--role", "worker", "--worker-port", Integer.toString(workerPorts[i])));
        }
        for (ChorusProcess w : workers) {
            w.workerPort();
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
                  slow-start: 0s
                  spread:
                    min-chars: 200
                    run-pieces: 2
                    in-flight: 3
                """.formatted(ADMIN_KEY));
        String list = String.join(",", Arrays.stream(workerPorts).mapToObj(p -> "127.0.0.1:" + p).toList());
        gateway = ChorusProcess.start(dir, List.of(), List.of("--config", dir.resolve("gateway.yaml").toString(),
                "--role", "gateway", "--workers", list));
        gatewayPort = gateway.httpPort();
        awaitCluster(s -> count(s, "\"state\":\"up\"") == WORKERS, "all workers up");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (gateway != null) {
            gateway.destroy();
        }
        for (ChorusProcess w : workers) {
            if (w != null && w.alive()) {
                w.destroy();
            }
        }
    }

    @Test
    @Order(1)
    void aLongTextRunsOnSeveralWorkersAndEqualsOneProcessByteForByte() throws Exception {
        byte[] single = HTTP.send(speechRequest(workers[0].httpPort(), TEXT), HttpResponse.BodyHandlers.ofByteArray())
                .body();
        // 12 sentences of 8 words, 100 ms a word, resampled from the voice's 16 kHz to 22.05 kHz.
        assertThat(single.length).as("reference length").isBetween(2 * 94 * 2_205, 2 * 98 * 2_205);
        HttpResponse<byte[]> r = HTTP.send(speechRequest(gatewayPort, TEXT), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(new String(r.body(), 0, Math.min(300, r.body().length))).isEqualTo(200);
        assertThat(Arrays.mismatch(r.body(), single)).as("first differing byte").isEqualTo(-1);
        long[] runs = spreadRuns();
        assertThat(Arrays.stream(runs).sum()).as("runs of two sentences").isEqualTo(6);
        assertThat(Arrays.stream(runs).filter(n -> n > 0).count()).as("workers that ran some of it")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(2)
    void aWorkerKilledMidStreamLeavesCompleteIdenticalAudio() throws Exception {
        String text = TEXT + " " + TEXT.replace("Spread", "Second");
        HttpResponse<InputStream> r = HTTP.send(speechRequest(gatewayPort, text),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        InputStream in = r.body();
        byte[] head = in.readNBytes(2 * 2_205 * 5);
        assertThat(head).hasSize(2 * 2_205 * 5);
        // A worker with a run of this request in progress, other than the one it started on if it can.
        String busy = awaitCluster(s -> count(s, "\"outstanding\":1") >= 1, "a worker running a run");
        int victim = -1;
        for (int i = 0; i < WORKERS; i++) {
            if (worker(busy, i).contains("\"outstanding\":1")) {
                victim = i;
            }
        }
        workers[victim].signal("KILL");
        byte[] all = concat(head, in.readAllBytes());
        int other = victim == 0 ? 1 : 0;
        byte[] single = HTTP.send(speechRequest(workers[other].httpPort(), text),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(single.length).as("reference length").isGreaterThan(2 * 188 * 2_205);
        assertThat(all.length).as("bytes through the gateway").isEqualTo(single.length);
        assertThat(Arrays.mismatch(all, single)).as("first differing byte").isEqualTo(-1);
        assertThat(gateway.log()).contains("move from worker 127.0.0.1:" + workerPorts[victim]);
        assertThat(workers[victim].waitFor(10)).isTrue();
    }

    // --- helpers ---

    /** Returns, per worker, the runs of spread requests the gateway sent it (its /metrics). */
    private static long[] spreadRuns() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long[] n = new long[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            Matcher m = Pattern.compile("(?m)^chorus_cluster_spread_runs_total\\{worker=\"127\\.0\\.0\\.1:"
                    + workerPorts[i] + "\"} ([0-9.]+)").matcher(metrics);
            n[i] = m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        }
        return n;
    }

    private static HttpRequest speechRequest(int port, String text) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + text + "\",\"voice\":\"tone:a\","
                        + "\"response_format\":\"pcm\",\"sample_rate\":22050}")).build();
    }

    private static String gatewayUrl(String path) {
        return "http://127.0.0.1:" + gatewayPort + path;
    }

    private static String cluster() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/admin/cluster")))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static String awaitCluster(java.util.function.Predicate<String> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = cluster();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not reached in 60 s: " + what + "; last status: " + last + "\ngateway log:\n"
                + gateway.log());
    }

    private static String worker(String status, int i) {
        int at = status.indexOf("\"address\":\"127.0.0.1:" + workerPorts[i] + "\"");
        if (at < 0) {
            return "";
        }
        int end = status.indexOf("\"address\":", at + 10);
        return status.substring(at, end < 0 ? status.length() : end);
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

package dev.chorus.app.isolation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash isolation with real processes: a {@code chorus serve} with {@code engines.isolation: process} runs the test
 * engine {@code crash} in an engine host process; a marker input makes the engine's native call write to address
 * zero. The server must stay up, answer the crashed request with 503 and {@code Retry-After}, serve normal requests
 * again once the host restarted, refuse the input with 422 after two crashes, and count it all in its metrics.
 * The control: the same engine in-process (isolation off) takes the whole server down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IsolationIT {

    private static final Pattern LISTENING = Pattern.compile("^chorus: listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String POISON = "Say this then " + CrashEngineProvider.MARKER + " please";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    private static List<String> classPath;
    private static Server isolated;

    @BeforeAll
    static void start() throws Exception {
        // The test engine is found by ServiceLoader through this services file and the test classes.
        Path services = dir.resolve("engine/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("dev.chorus.tts.spi.TtsEngineProvider"),
                CrashEngineProvider.class.getName() + "\n");
        Path testClasses = Path.of(CrashEngineProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        classPath = List.of(System.getProperty("chorus.app.jar"), testClasses.toString(),
                dir.resolve("engine").toString());
        isolated = Server.start(config("isolated.yaml", "process"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (isolated != null) {
            isolated.destroy();
        }
    }

    private static Path config(String name, String isolation) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                server:
                  port: 0
                engines:
                  enabled: crash
                  default-voice: crash:a
                  isolation: %s
                  isolated: crash
                  quarantine: 10m
                  workers: 2
                cache:
                  enabled: false
                  sentence:
                    max-bytes: 0
                jobs:
                  enabled: false
                """.formatted(isolation));
        return file;
    }

    @Test
    @Order(1)
    void aNormalRequestIsSynthesizedInTheHost() throws Exception {
        HttpResponse<byte[]> r = speech(isolated.port(), "one two three");
        assertThat(r.statusCode()).as(isolated.log()).isEqualTo(200);
        assertNonSilentWav(r.body(), 3);
        assertThat(isolated.log()).contains("chorus: starting 1 engine host process(es) for [crash]");
    }

    @Test
    @Order(2)
    void aNativeCrashCostsTheHostNotTheServerAndThePoisonIsRefusedAfterTwo() throws Exception {
        // Three clients keep asking for new texts meanwhile: each gets audio or a clear 503, never a 500 or a hang.
        AtomicBoolean stop = new AtomicBoolean();
        Queue<String> others = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            int client = c;
            clients.add(Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        HttpResponse<byte[]> r = speech(isolated.port(), "client " + client + " take " + i);
                        others.add(r.statusCode() + (r.statusCode() == 503 && r.headers().firstValue("retry-after")
                                .isEmpty() ? " without Retry-After" : ""));
                        Thread.sleep(50);
                    } catch (Exception e) {
                        others.add(e.toString());
                    }
                }
            }));
        }
        for (int crash = 1; crash <= 2; crash++) {
            HttpResponse<byte[]> r = speech(isolated.port(), POISON);
            assertThat(r.statusCode()).as("crash %d: %s", crash, body(r)).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).as("crash %d", crash).isPresent();
            assertThat(body(r)).contains("crashed");
            assertThat(isolated.alive()).as("the server survives crash %d", crash).isTrue();
            // The host restarts: a normal request succeeds again within a bounded time.
            HttpResponse<byte[]> after = awaitOk("four five");
            assertNonSilentWav(after.body(), 2);
        }
        stop.set(true);
        for (Thread t : clients) {
            t.join(35_000);
        }
        assertThat(others).as("the other clients' answers").contains("200").allMatch(a -> a.equals("200")
                || a.equals("503"));
        HttpResponse<byte[]> refused = speech(isolated.port(), POISON);
        assertThat(refused.statusCode()).as(body(refused)).isEqualTo(422);
        assertThat(body(refused)).contains("input_crashes_engine").contains("crash 2 times");

        String metrics = get(isolated.port(), "/metrics");
        assertThat(metric(metrics, "chorus_engine_host_crashes_total")).isEqualTo(2.0);
        assertThat(metric(metrics, "chorus_engine_host_restarts_total")).isEqualTo(2.0);
        assertThat(metric(metrics, "chorus_engine_quarantined_inputs")).isEqualTo(1.0);
        assertThat(metric(metrics, "chorus_engine_quarantine_refusals_total")).isEqualTo(1.0);
        assertThat(metric(metrics, "chorus_engine_host_up{host=\"1\"")).isEqualTo(1.0);
        // One log line per crash, with the signal the JVM's fatal error report names.
        assertThat(isolated.log().lines().filter(l -> l.contains("engine host 1 (pid") && l.contains("crashed")
                && l.contains("SIGSEGV"))).hasSize(2);
        assertThat(isolated.alive()).isTrue();
    }

    @Test
    @Order(3)
    void theHostDoesNotOutliveItsServer() throws Exception {
        Matcher m = Pattern.compile("engine host 1 restarted: pid (\\d+)").matcher(isolated.log());
        long host = -1;
        while (m.find()) {
            host = Long.parseLong(m.group(1));
        }
        assertThat(host).as(isolated.log()).isPositive();
        ProcessHandle handle = ProcessHandle.of(host).orElseThrow(() -> new AssertionError("host not running"));
        isolated.process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        handle.onExit().get(20, TimeUnit.SECONDS);
        assertThat(handle.isAlive()).isFalse();
    }

    @Test
    @Order(4)
    void withoutIsolationTheSameInputTakesTheServerDown() throws Exception {
        Server inProcess = Server.start(config("in-process.yaml", "none"));
        try {
            assertThat(speech(inProcess.port(), "one two").statusCode()).isEqualTo(200);
            try {
                speech(inProcess.port(), POISON);
            } catch (IOException expected) {
                // The connection dies with the process.
            }
            assertThat(inProcess.process.waitFor(30, TimeUnit.SECONDS)).as("the server died").isTrue();
            // The JVM's fatal error handler reports the native SIGSEGV and ends the process.
            assertThat(inProcess.process.exitValue()).as(inProcess.log()).isNotZero();
            assertThat(inProcess.log()).contains("SIGSEGV").contains("outside the Java Virtual Machine in native code");
        } finally {
            inProcess.destroy();
        }
    }

    private static HttpResponse<byte[]> awaitOk(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        HttpResponse<byte[]> r;
        do {
            r = speech(isolated.port(), text);
            if (r.statusCode() == 200) {
                return r;
            }
            assertThat(r.statusCode()).as(body(r)).isEqualTo(503);
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no 200 within 45 s after the crash: " + body(r) + "\n" + isolated.log());
    }

    private static void assertNonSilentWav(byte[] wav, int words) {
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        int samples = (wav.length - 44) / 2;
        assertThat(samples).isEqualTo(words * CrashEngineProvider.RATE / 10);
        ByteBuffer b = ByteBuffer.wrap(wav, 44, wav.length - 44).order(ByteOrder.LITTLE_ENDIAN);
        int peak = 0;
        while (b.remaining() >= 2) {
            peak = Math.max(peak, Math.abs(b.getShort()));
        }
        assertThat(peak).isGreaterThan(4000);
    }

    private static double metric(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in\n" + metrics));
    }

    private static HttpResponse<byte[]> speech(int port, String text) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + text + "\",\"voice\":\"crash:a\","
                        + "\"response_format\":\"wav\",\"sample_rate\":16000}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String body(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + r.headers().map() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    /** One {@code chorus serve} process with the test engine on its class path, its output kept for messages. */
    private static final class Server {
        final Process process;
        final StringBuffer log = new StringBuffer();
        final CompletableFuture<Integer> port = new CompletableFuture<>();

        private Server(Process process) {
            this.process = process;
            Thread.ofPlatform().daemon().start(this::read);
        }

        static Server start(Path config) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(System.getProperty("chorus.java", "java"), "-Xmx256m",
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"), "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-cp", String.join(File.pathSeparator, classPath),
                    "dev.chorus.app.Main", "serve", "--config", config.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("CHORUS_LOG_FORMAT", "text");
            return new Server(pb.start());
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
            port.completeExceptionally(new AssertionError("process ended: " + log));
        }

        int port() throws Exception {
            return port.get(90, TimeUnit.SECONDS);
        }

        boolean alive() {
            return process.isAlive();
        }

        String log() {
            return log.toString();
        }

        void destroy() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}

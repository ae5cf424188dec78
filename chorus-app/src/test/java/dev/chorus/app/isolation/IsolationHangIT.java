package dev.chorus.app.isolation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.chorus.app.isolation.ServerProcess.body;
import static dev.chorus.app.isolation.ServerProcess.metric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hangs with real processes: the test engine's native call sleeps for good on a marker input, in an engine host
 * with one engine worker, so the requests beside it wait behind it. With a hang timeout of 2 s the host must be
 * killed and restarted, the waiting requests re-run on the fresh host with audio equal to the same texts without a
 * hang, and the hanging input refused with 422 once it hung the host twice on its own. A host that stops reporting
 * (stopped with SIGSTOP) is killed and replaced the same way.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IsolationHangIT {

    private static final String HANG = "Wait here " + CrashEngineProvider.HANG_MARKER + " please";

    @TempDir
    static Path dir;

    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Path config = ServerProcess.config(dir, "hang.yaml", "process", "  isolation-hang-timeout: 2s");
        // One engine worker in the host: the requests beside the hanging one wait behind it.
        java.nio.file.Files.writeString(config, java.nio.file.Files.readString(config)
                .replace("workers: 2", "workers: 1"));
        server = ServerProcess.start(dir, config);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    @Order(1)
    void aHungHostIsKilledTheOthersAreReRunAndTheHangingInputIsRefused() throws Exception {
        List<String> texts = IsolationIT.TEXTS.subList(0, 2);
        List<byte[]> reference = new ArrayList<>();
        for (String t : texts) {
            HttpResponse<byte[]> r = server.speech(t, "wav", Duration.ofSeconds(30));
            assertThat(r.statusCode()).as(body(r)).isEqualTo(200);
            reference.add(r.body());
        }
        List<CompletableFuture<HttpResponse<byte[]>>> others = new ArrayList<>();
        for (String t : texts) {
            others.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return server.speech(t, "wav", Duration.ofSeconds(90));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofVirtual().start(r)));
        }
        Thread.sleep(100);
        HttpResponse<byte[]> hang = server.speech(HANG, "wav", Duration.ofSeconds(90));
        assertThat(hang.statusCode()).as(body(hang)).isEqualTo(422);
        assertThat(body(hang)).contains("input_crashes_engine");
        for (int i = 0; i < texts.size(); i++) {
            HttpResponse<byte[]> r = others.get(i).get(90, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as("client %d: %s", i, body(r)).isEqualTo(200);
            assertThat(r.body()).as("client %d's audio", i).isEqualTo(reference.get(i));
        }
        assertThat(server.speech(HANG).statusCode()).isEqualTo(422);
        String metrics = server.get("/metrics");
        assertThat(metric(metrics, "chorus_engine_host_hangs_total")).as(server.log()).isGreaterThanOrEqualTo(2.0);
        assertThat(metric(metrics, "chorus_engine_host_crashes_total")).isZero();
        // The deadline that fired is the configured floor (the runtime's estimate of these sentences is far less).
        assertThat(server.log()).contains("hung: a request made no progress for").contains("(its deadline: 2000 ms)");
        assertThat(server.alive()).isTrue();
    }

    @Test
    @Order(2)
    void aHostThatStopsReportingIsReplaced() throws Exception {
        // The host may still be restarting after the last hang: wait until it answers.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<byte[]> up = server.speech("one");
        while (up.statusCode() != 200 && System.nanoTime() < deadline) {
            assertThat(up.statusCode()).as(body(up)).isEqualTo(503);
            Thread.sleep(200);
            up = server.speech("one");
        }
        assertThat(up.statusCode()).as(body(up)).isEqualTo(200);
        long pid = lastHostPid();
        double hangs = metric(server.get("/metrics"), "chorus_engine_host_hangs_total");
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).inheritIO().start();
        assertThat(stop.waitFor(10, TimeUnit.SECONDS) && stop.exitValue() == 0).as("kill -STOP").isTrue();
        // A request sent to the frozen host is finished by its replacement.
        HttpResponse<byte[]> r = server.speech("one two three", "wav", Duration.ofSeconds(60));
        assertThat(r.statusCode()).as(body(r) + server.log()).isEqualTo(200);
        ServerProcess.assertNonSilentWav(r.body(), 3);
        assertThat(server.log()).contains("its load reports stopped");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(metric(server.get("/metrics"), "chorus_engine_host_hangs_total")).isEqualTo(hangs + 1);
        assertThat(server.alive()).isTrue();
    }

    private static long lastHostPid() {
        Matcher m = Pattern.compile("engine host 1 (?:started|restarted): pid (\\d+)").matcher(server.log());
        long pid = -1;
        while (m.find()) {
            pid = Long.parseLong(m.group(1));
        }
        assertThat(pid).as(server.log()).isPositive();
        return pid;
    }
}

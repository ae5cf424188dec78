package dev.chorus.app.isolation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.chorus.app.isolation.ServerProcess.assertNonSilentWav;
import static dev.chorus.app.isolation.ServerProcess.body;
import static dev.chorus.app.isolation.ServerProcess.metric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash isolation with real processes: a {@code chorus serve} with {@code engines.isolation: process} runs the test
 * engine {@code crash} in an engine host process; a marker input makes the engine's native call write to address
 * zero. With four clients at once, the server must stay up, give the three innocent requests complete audio equal
 * to the same texts synthesized without a crash (their sentences re-run on the fresh host), refuse the poison with
 * 422 once it crashed the host twice on its own, and count it all in its metrics. The control: the same engine
 * in-process (isolation off) takes the whole server down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IsolationIT {

    /** The marker in the first sentence: a first sentence jumps ahead of the others' later ones on the host. */
    static final String POISON = "Say this then " + CrashEngineProvider.MARKER + " please";
    /** Three texts of eight sentences, the last one streamed as raw PCM. */
    static final List<String> TEXTS = List.of(text("alpha"), text("bravo"), text("charlie"));
    static final List<String> FORMATS = List.of("wav", "wav", "pcm");

    @TempDir
    static Path dir;

    private static ServerProcess isolated;

    @BeforeAll
    static void start() throws Exception {
        isolated = ServerProcess.start(dir, ServerProcess.config(dir, "isolated.yaml", "process", ""));
    }

    @AfterAll
    static void stop() throws Exception {
        if (isolated != null) {
            isolated.destroy();
        }
    }

    /** Returns eight sentences of six words that start with {@code word}. */
    static String text(String word) {
        StringBuilder b = new StringBuilder();
        String[] colors = {"red", "green", "blue", "white", "black", "pink", "gold", "grey"};
        for (String c : colors) {
            b.append(word).append(' ').append(c).append(" sky and ").append(c).append(" sea. ");
        }
        return b.toString().strip();
    }

    @Test
    @Order(1)
    void aNormalRequestIsSynthesizedInTheHost() throws Exception {
        HttpResponse<byte[]> r = isolated.speech("one two three");
        assertThat(r.statusCode()).as(isolated.log()).isEqualTo(200);
        assertNonSilentWav(r.body(), 3);
        assertThat(isolated.log()).contains("chorus: starting 1 engine host process(es) for [crash]");
    }

    @Test
    @Order(2)
    void aNativeCrashCostsOnlyThePoisonTheOthersGetTheirWholeAudio() throws Exception {
        List<byte[]> reference = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            HttpResponse<byte[]> r = isolated.speech(TEXTS.get(i), FORMATS.get(i), Duration.ofSeconds(30));
            assertThat(r.statusCode()).as(body(r)).isEqualTo(200);
            reference.add(r.body());
        }
        List<CompletableFuture<HttpResponse<byte[]>>> others = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            int n = i;
            others.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return isolated.speech(TEXTS.get(n), FORMATS.get(n), Duration.ofSeconds(90));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofVirtual().start(r)));
        }
        Thread.sleep(150);
        HttpResponse<byte[]> poison = isolated.speech(POISON, "wav", Duration.ofSeconds(90));
        assertThat(poison.statusCode()).as(body(poison)).isEqualTo(422);
        assertThat(body(poison)).contains("input_crashes_engine").contains("crash 2 times");
        for (int i = 0; i < TEXTS.size(); i++) {
            HttpResponse<byte[]> r = others.get(i).get(90, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as("client %d: %s", i, body(r)).isEqualTo(200);
            assertThat(r.body()).as("client %d's audio, equal to the same text without a crash", i)
                    .isEqualTo(reference.get(i));
        }
        assertThat(isolated.alive()).isTrue();

        HttpResponse<byte[]> refused = isolated.speech(POISON);
        assertThat(refused.statusCode()).as(body(refused)).isEqualTo(422);
        // The host may still be restarting after the poison's last crash: 503 with Retry-After until it is up.
        assertNonSilentWav(awaitOk("four five").body(), 2);
        String metrics = isolated.get("/metrics");
        double crashes = metric(metrics, "chorus_engine_host_crashes_total");
        // The poison crashed the host twice alone; once more beside the others when they were still in flight.
        assertThat(crashes).as(isolated.log()).isBetween(2.0, 3.0);
        assertThat(metric(metrics, "chorus_engine_host_restarts_total")).isEqualTo(crashes);
        // The poison ran again twice; each innocent request cut by the first crash once.
        assertThat(metric(metrics, "chorus_engine_host_reruns_total")).isGreaterThanOrEqualTo(2.0);
        assertThat(metric(metrics, "chorus_engine_quarantined_inputs")).isEqualTo(1.0);
        assertThat(metric(metrics, "chorus_engine_quarantine_refusals_total{reason=\"input\"")).isEqualTo(1.0);
        assertThat(metric(metrics, "chorus_engine_host_up{host=\"1\"")).isEqualTo(1.0);
        // One log line per crash, with the signal the JVM's fatal error report names.
        assertThat(isolated.log().lines().filter(l -> l.contains("engine host 1 (pid") && l.contains("crashed")
                && l.contains("SIGSEGV"))).hasSize((int) crashes);
        assertThat(isolated.alive()).isTrue();
    }

    private static HttpResponse<byte[]> awaitOk(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        HttpResponse<byte[]> r;
        do {
            r = isolated.speech(text);
            if (r.statusCode() == 200) {
                return r;
            }
            assertThat(r.statusCode()).as(body(r)).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).isPresent();
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no 200 within 45 s after the crash: " + body(r) + "\n" + isolated.log());
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
        ServerProcess inProcess = ServerProcess.start(dir, ServerProcess.config(dir, "in-process.yaml", "none", ""));
        try {
            assertThat(inProcess.speech("one two").statusCode()).isEqualTo(200);
            try {
                inProcess.speech(POISON);
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
}

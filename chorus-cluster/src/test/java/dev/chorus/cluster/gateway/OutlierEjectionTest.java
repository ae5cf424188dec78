package dev.chorus.cluster.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real worker APIs on loopback, one of whose engine fails every request: the gateway's requests all complete
 * (each failed call resumes on the healthy worker), the failing worker is ejected after the configured failures in
 * a row, gets nothing while ejected, is probed back when its time is up and, failing again, is ejected for twice as
 * long. The ejections show in {@code /admin/cluster} and the metrics.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutlierEjectionTest {

    private static final String TEXT = "One two three. Four five six.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Synthesizer healthySide;
    private Synthesizer brokenSide;
    private WorkerServer healthy;
    private WorkerServer broken;
    private Gateway gateway;
    private final BrokenTone brokenEngine = new BrokenTone();

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, healthy, broken, healthySide, brokenSide}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void aWorkerWhoseCallsKeepFailingIsEjectedProbedAndEjectedLonger() throws Exception {
        healthySide = synthesizer(new SlowTone());
        brokenSide = synthesizer(brokenEngine);
        healthy = WorkerServer.start(healthySide, "127.0.0.1", 0, null);
        broken = WorkerServer.start(brokenSide, "127.0.0.1", 0, null);
        String brokenAddress = "127.0.0.1:" + broken.port();
        gateway = Gateway.builder(List.of("127.0.0.1:" + healthy.port(), brokenAddress)).policy("round-robin")
                .outlier(new OutlierSettings(3, Duration.ofSeconds(30), Duration.ofMillis(1_500),
                        Duration.ofSeconds(30), Duration.ZERO))
                .build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        gateway.bindMetrics(meters);
        awaitStatus(s -> countUp(s) == 2, "both workers up");
        EngineRegistry catalog = EngineRegistry.builder().providers(gateway.engineProviders())
                .defaultVoice("slow:tone").build();
        Synthesis remote = gateway.synthesis(catalog);
        RemoteSynthesisTest.Collected local = new RemoteSynthesisTest.Collected();
        healthySide.start(request(), local, SynthesisObserver.NONE, false).completion().get(10, TimeUnit.SECONDS);
        byte[] expected = local.pcm.toByteArray();
        // The voice resident on both (a request on the broken worker while it still works), so both are candidates.
        brokenSide.start(request(), new RemoteSynthesisTest.Collected(), SynthesisObserver.NONE, false).completion()
                .get(10, TimeUnit.SECONDS);
        awaitStatus(s -> s.path("workers").get(0).path("resident").size() == 1
                && s.path("workers").get(1).path("resident").size() == 1, "the voice resident on both");

        // Round robin sends every other request to the broken worker first; each resumes on the healthy one.
        brokenEngine.failing.set(true);
        int requests = 0;
        while (!worker(brokenAddress).path("state").asText().equals("ejected") && requests < 20) {
            assertThat(run(remote, request())).as("request %d, complete", requests).isEqualTo(expected);
            requests++;
        }
        JsonNode w = worker(brokenAddress);
        assertThat(w.path("state").asText()).as("%s; engine calls %d", gateway.status().get(),
                brokenEngine.calls.get()).isEqualTo("ejected");
        assertThat(w.path("routed").asLong()).as("ejected after three failed calls").isEqualTo(3);
        assertThat(brokenEngine.calls.get()).isGreaterThanOrEqualTo(3);
        assertThat(w.path("ejection_cause").asText()).isEqualTo("failures");
        assertThat(w.path("ejections").asInt()).isEqualTo(1);
        assertThat(w.path("ejected_for_ms").asLong()).isBetween(1L, 1_500L);
        assertThat(meters.get("chorus.cluster.ejections").tags("worker", brokenAddress, "cause", "failures")
                .functionCounter().count()).isEqualTo(1.0);

        // While ejected it gets nothing.
        long routed = w.path("routed").asLong();
        for (int i = 0; i < 4; i++) {
            assertThat(run(remote, request())).isEqualTo(expected);
        }
        assertThat(worker(brokenAddress).path("routed").asLong()).isEqualTo(routed);

        // Readmitted when the time is up: one probe, which fails, ejects it again for twice as long.
        awaitStatus(s -> worker(s, brokenAddress).path("state").asText().equals("up"), "probed back");
        assertThat(worker(brokenAddress).path("probing").asBoolean()).isTrue();
        for (int i = 0; i < 4 && worker(brokenAddress).path("routed").asLong() == routed; i++) {
            assertThat(run(remote, request())).isEqualTo(expected);
        }
        assertThat(worker(brokenAddress).path("routed").asLong()).as("one probe").isEqualTo(routed + 1);
        w = worker(brokenAddress);
        assertThat(w.path("state").asText()).isEqualTo("ejected");
        assertThat(w.path("ejections").asInt()).isEqualTo(2);
        assertThat(w.path("ejected_for_ms").asLong()).as("doubled").isBetween(1_500L, 3_000L);
        assertThat(meters.get("chorus.cluster.worker.state").tags("worker", brokenAddress, "state", "ejected")
                .gauge().value()).isEqualTo(1.0);
    }

    @Test
    void workersThatJustJoinedStartWithASmallShare() throws Exception {
        healthySide = synthesizer(new SlowTone());
        healthy = WorkerServer.start(healthySide, "127.0.0.1", 0, null);
        gateway = Gateway.builder(List.of("127.0.0.1:" + healthy.port()))
                .outlier(new OutlierSettings(5, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(2),
                        Duration.ofSeconds(20)))
                .build();
        assertThat(gateway.awaitWorkers(Duration.ofSeconds(10))).isTrue();
        JsonNode w = JSON.readTree(gateway.status().get()).path("workers").get(0);
        assertThat(w.path("traffic_share").asDouble()).isBetween(WorkerHealth.MIN_SHARE, 0.5);
        assertThat(JSON.readTree(gateway.status().get()).path("outlier").path("slow_start_ms").asLong())
                .isEqualTo(20_000);
    }

    private static Synthesizer synthesizer(dev.chorus.tts.spi.TtsEngineProvider engine) {
        return Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(engine))
                .defaultVoice("slow:tone").build()).build();
    }

    private ParsedRequest request() {
        return healthySide.parser().parse(new SynthesisRequest(TEXT, "slow:tone", null, AudioEncoding.PCM, 0, null));
    }

    private static byte[] run(Synthesis s, ParsedRequest r) throws Exception {
        RemoteSynthesisTest.Collected c = new RemoteSynthesisTest.Collected();
        s.start(r, c, SynthesisObserver.NONE, false);
        assertThat(c.done.get(10, TimeUnit.SECONDS)).isEqualTo("complete");
        return c.pcm.toByteArray();
    }

    private JsonNode worker(String address) throws Exception {
        return worker(JSON.readTree(gateway.status().get()), address);
    }

    private static JsonNode worker(JsonNode status, String address) {
        for (JsonNode w : status.path("workers")) {
            if (w.path("address").asText().equals(address)) {
                return w;
            }
        }
        throw new AssertionError("no worker " + address + " in " + status);
    }

    private static long countUp(JsonNode status) {
        long n = 0;
        for (JsonNode w : status.path("workers")) {
            n += w.path("state").asText().equals("up") ? 1 : 0;
        }
        return n;
    }

    private void awaitStatus(java.util.function.Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode s = JSON.readTree(gateway.status().get());
        while (!ok.test(s)) {
            assertThat(System.nanoTime()).as("waiting for " + what + ": " + s).isLessThan(deadline);
            Thread.sleep(20);
            s = JSON.readTree(gateway.status().get());
        }
    }
}

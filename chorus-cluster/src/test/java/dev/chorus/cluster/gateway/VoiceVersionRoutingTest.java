package dev.chorus.cluster.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two real workers on loopback holding different versions of one voice, as during a rollout: {@code voice@N}
 * runs only where version N is, an unversioned request runs on the newest version, a version no worker has is
 * "voice not found" (404), and a newer version a worker picks up while running is announced to the gateway, whose
 * unversioned requests move to it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VoiceVersionRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final VersionedTone OLD = new VersionedTone(1);
    private static Synthesizer oldSide;
    private static Synthesizer newSide;
    private static WorkerServer oldWorker;
    private static WorkerServer newWorker;
    private static Gateway gateway;
    private static EngineRegistry catalog;
    private static Synthesis remote;

    @BeforeAll
    static void start() throws Exception {
        oldSide = synthesizer(OLD);
        newSide = synthesizer(new VersionedTone(2));
        oldWorker = WorkerServer.start(oldSide, "127.0.0.1", 0, null);
        newWorker = WorkerServer.start(newSide, "127.0.0.1", 0, null);
        gateway = Gateway.builder(List.of(oldAddress(), newAddress())).policy("round-robin")
                .outlier(new OutlierSettings(5, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(2),
                        Duration.ZERO))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (up() < 2) {
            assertThat(System.nanoTime()).as("both workers up").isLessThan(deadline);
            Thread.sleep(20);
        }
        catalog = EngineRegistry.builder().providers(gateway.engineProviders()).defaultVoice("vers:tone").build();
        remote = gateway.synthesis(catalog);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, oldWorker, newWorker, oldSide, newSide}) {
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
    @Order(1)
    void theCatalogHoldsTheNewestVersionAndUnversionedRequestsRunOnIt() throws Exception {
        assertThat(catalog.resolve("vers:tone").version()).isEqualTo("2");
        for (int i = 0; i < 4; i++) {
            assertThat(amplitude(run("vers:tone"))).isEqualTo(2_000);
        }
        assertThat(routed(oldAddress())).isZero();
    }

    @Test
    @Order(2)
    void aPinnedVersionRunsOnlyWhereItIs() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(amplitude(run("vers:tone@1"))).isEqualTo(1_000);
            assertThat(amplitude(run("vers:tone@2"))).isEqualTo(2_000);
        }
        assertThat(routed(oldAddress())).isEqualTo(4);
    }

    @Test
    @Order(3)
    void aVersionNoWorkerHasIsNotFound() {
        assertThatThrownBy(() -> run("vers:tone@3")).isInstanceOf(VoiceNotFoundException.class)
                .hasMessageContaining("vers:tone@3");
    }

    @Test
    @Order(4)
    void aVersionAWorkerPicksUpIsAnnouncedAndUnversionedRequestsMoveToIt() throws Exception {
        long before = routed(oldAddress());
        OLD.upgrade(3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!catalog.resolve("vers:tone").version().equals("3")) {
            assertThat(System.nanoTime()).as("the new version announced to the gateway").isLessThan(deadline);
            Thread.sleep(20);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(amplitude(run("vers:tone"))).isEqualTo(3_000);
        }
        assertThat(routed(oldAddress())).isEqualTo(before + 4);
        assertThat(amplitude(run("vers:tone@2"))).as("the older version still where it is").isEqualTo(2_000);
        assertThatThrownBy(() -> run("vers:tone@1")).isInstanceOf(VoiceNotFoundException.class)
                .hasMessageContaining("vers:tone@1");
    }

    private static Synthesizer synthesizer(VersionedTone engine) {
        return Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(engine))
                .defaultVoice("vers:tone").build()).build();
    }

    private static byte[] run(String voice) throws Exception {
        RemoteSynthesisTest.Collected c = new RemoteSynthesisTest.Collected();
        remote.start(newSide.parser().parse(new SynthesisRequest("one two three.", voice, null, AudioEncoding.PCM, 0,
                null)), c, SynthesisObserver.NONE, false);
        assertThat(c.done.get(10, TimeUnit.SECONDS)).isEqualTo("complete");
        return c.pcm.toByteArray();
    }

    /** Returns the peak amplitude of little-endian 16-bit PCM, rounded to the hundred. */
    private static int amplitude(byte[] pcm) {
        int peak = 0;
        for (int i = 0; i + 1 < pcm.length; i += 2) {
            peak = Math.max(peak, Math.abs((short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8))));
        }
        assertThat(pcm.length).isEqualTo(3 * 800 * 2);
        return Math.round(peak / 100f) * 100;
    }

    private static String oldAddress() {
        return "127.0.0.1:" + oldWorker.port();
    }

    private static String newAddress() {
        return "127.0.0.1:" + newWorker.port();
    }

    private static long routed(String address) throws Exception {
        return worker(address).path("routed").asLong();
    }

    private static int up() throws Exception {
        int n = 0;
        for (JsonNode w : JSON.readTree(gateway.status().get()).path("workers")) {
            n += w.path("state").asText().equals("up") ? 1 : 0;
        }
        return n;
    }

    private static JsonNode worker(String address) throws Exception {
        for (JsonNode w : JSON.readTree(gateway.status().get()).path("workers")) {
            if (w.path("address").asText().equals(address)) {
                return w;
            }
        }
        throw new AssertionError("no worker " + address);
    }
}

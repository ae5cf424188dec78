package dev.chorus.cluster.gateway;

import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.runtime.Timing;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real worker API on loopback and a gateway over it in one JVM: what the gateway streams is what the worker's
 * synthesizer makes, a cancelled request stops the worker's engine, a refusal keeps its meaning, and a gateway
 * whose only worker is gone answers "overloaded" (503) at once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RemoteSynthesisTest {

    private static final String TEXT = "One two three four. Five six seven eight. Nine ten eleven twelve.";

    private static Synthesizer workerSide;
    private static WorkerServer worker;
    private static Gateway gateway;
    private static Synthesis remote;
    private static EngineRegistry catalog;

    @BeforeAll
    static void start() throws Exception {
        workerSide = Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(new SlowTone()))
                .defaultVoice("slow:tone").build()).maxInputChars(250).build();
        worker = WorkerServer.start(workerSide, "127.0.0.1", 0, null);
        gateway = Gateway.builder(List.of("127.0.0.1:" + worker.port())).build();
        assertThat(gateway.awaitWorkers(Duration.ofSeconds(10))).isTrue();
        catalog = EngineRegistry.builder().providers(gateway.engineProviders()).defaultVoice("slow:tone").build();
        remote = gateway.synthesis(catalog);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (workerSide != null) {
            workerSide.close();
        }
    }

    private static ParsedRequest request(String text) {
        return workerSide.parser().parse(new SynthesisRequest(text, "slow:tone", null, AudioEncoding.PCM, 0, null));
    }

    @Test
    void theGatewaysCatalogIsTheWorkersVoices() {
        assertThat(catalog.voices()).extracting(VoiceInfo::id).containsExactly("slow:tone");
    }

    @Test
    void streamsTheSameAudioAndTimingsAsTheWorkersOwnSynthesizer() throws Exception {
        Collected local = new Collected();
        workerSide.start(request(TEXT), local, SynthesisObserver.NONE, false).completion().get(10, TimeUnit.SECONDS);
        Collected viaGateway = new Collected();
        remote.start(request(TEXT), viaGateway, SynthesisObserver.NONE, false).completion().get(10, TimeUnit.SECONDS);
        assertThat(viaGateway.pcm.toByteArray()).hasSize(12 * 1_600 * 2).isEqualTo(local.pcm.toByteArray());
        assertThat(viaGateway.timings).isEqualTo(local.timings);
        assertThat(viaGateway.chunksDone).isEqualTo(local.chunksDone);
        assertThat(viaGateway.done.get(1, TimeUnit.SECONDS)).isEqualTo("complete");
    }

    @Test
    void cancellingAtTheGatewayStopsTheWorkersEngine() throws Exception {
        int stoppedBefore = SlowTone.STOPPED.get();
        CountDownLatch firstAudio = new CountDownLatch(1);
        Collected c = new Collected() {
            @Override
            public void onAudio(short[] samples, int offset, int length) {
                super.onAudio(samples, offset, length);
                firstAudio.countDown();
            }
        };
        SynthesisHandle h = remote.start(request(TEXT.repeat(3)), c, SynthesisObserver.NONE, false);
        assertThat(firstAudio.await(10, TimeUnit.SECONDS)).isTrue();
        h.cancel();
        assertThat(c.done.get(10, TimeUnit.SECONDS)).isEqualTo(SynthesisCancelledException.class.getSimpleName());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (SlowTone.STOPPED.get() == stoppedBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(SlowTone.STOPPED.get()).as("engine runs stopped on the worker").isGreaterThan(stoppedBefore);
    }

    @Test
    void aRefusalByTheWorkerKeepsItsMeaningAndIsNotRetried() throws Exception {
        // The worker allows 250 characters; a gateway with a larger limit sends 300: invalid input, as in one process.
        ParsedRequest tooLong = workerSide.parser().withMaxInputChars(1_000).parse(new SynthesisRequest(
                "word ".repeat(60), "slow:tone", null, AudioEncoding.PCM, 0, null));
        Collected c = new Collected();
        remote.start(tooLong, c, SynthesisObserver.NONE, false);
        assertThat(c.done.get(10, TimeUnit.SECONDS)).isEqualTo(InvalidInputException.class.getSimpleName());
        assertThat(c.error.get().getMessage()).contains("250");
        assertThat(c.pcm.size()).isZero();
    }

    @Test
    void noWorkerLeftIsOverloadedAtOnce() throws Exception {
        Synthesizer other = Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(new SlowTone()))
                .defaultVoice("slow:tone").build()).build();
        WorkerServer lone = WorkerServer.start(other, "127.0.0.1", 0, null);
        try (Gateway g = Gateway.builder(List.of("127.0.0.1:" + lone.port())).ejectAfter(Duration.ofMillis(600))
                .build()) {
            assertThat(g.awaitWorkers(Duration.ofSeconds(10))).isTrue();
            EngineRegistry cat = EngineRegistry.builder().providers(g.engineProviders()).defaultVoice("slow:tone")
                    .build();
            Synthesis s = g.synthesis(cat);
            lone.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!g.status().get().contains("\"state\":\"down\"") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.start(request("Hello there."), new Collected(), SynthesisObserver.NONE, false))
                    .isInstanceOf(OverloadedException.class).hasMessageContaining("no worker can serve voice slow:tone");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        } finally {
            other.close();
        }
    }

    /** Collects what a listener hears. */
    static class Collected implements SynthesisListener {
        final ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        final List<Timing> timings = new CopyOnWriteArrayList<>();
        final List<Integer> chunksDone = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> done = new CompletableFuture<>();
        final java.util.concurrent.atomic.AtomicReference<ChorusException> error =
                new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public void onAudio(short[] samples, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                pcm.write(samples[i] & 0xff);
                pcm.write((samples[i] >> 8) & 0xff);
            }
        }

        @Override
        public void onTiming(Timing timing) {
            timings.add(timing);
        }

        @Override
        public void onChunkDone(int index, int chunks) {
            chunksDone.add(index);
        }

        @Override
        public void onComplete(dev.chorus.runtime.SynthesisSummary summary) {
            done.complete("complete");
        }

        @Override
        public void onError(ChorusException e) {
            error.set(e);
            done.complete(e.getClass().getSimpleName());
        }
    }
}

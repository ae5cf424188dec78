package dev.chorus.cluster.gateway;

import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that stops reading holds the worker back: through a real gateway and worker API, a long text whose
 * audio is far more than the streams buffer stops being synthesized on the worker while the client takes nothing,
 * the gateway hands the client at most a few messages meanwhile, and once the client reads again the audio
 * arrives complete and identical to the worker's own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowControlTest {

    private static final int SENTENCES = 100;
    /** Distinct sentences, so that none is replayed from the sentence cache. */
    private static final String TEXT = java.util.stream.IntStream.range(0, SENTENCES)
            .mapToObj(i -> "alpha beta gamma w" + i + ".").collect(java.util.stream.Collectors.joining(" "));

    private final LoudTone engine = new LoudTone();
    private Synthesizer workerSide;
    private WorkerServer worker;
    private Gateway gateway;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, worker, workerSide}) {
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
    void aClientThatStopsReadingStopsTheWorkersSynthesisUntilItReadsAgain() throws Exception {
        workerSide = Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(engine))
                .defaultVoice("loud:tone").build()).build();
        worker = WorkerServer.start(workerSide, "127.0.0.1", 0, null);
        gateway = Gateway.builder(List.of("127.0.0.1:" + worker.port())).build();
        assertThat(gateway.awaitWorkers(Duration.ofSeconds(15))).isTrue();
        Synthesis remote = gateway.synthesis(EngineRegistry.builder().providers(gateway.engineProviders())
                .defaultVoice("loud:tone").build());

        // The reference, from a synthesizer of its own (the worker's would replay it from its sentence cache).
        RemoteSynthesisTest.Collected local = new RemoteSynthesisTest.Collected();
        try (Synthesizer reference = Synthesizer.builder().registry(EngineRegistry.builder()
                .providers(List.of(new LoudTone())).defaultVoice("loud:tone").build()).build()) {
            reference.start(request(), local, SynthesisObserver.NONE, false).completion().get(20, TimeUnit.SECONDS);
        }
        assertThat(local.pcm.size()).isEqualTo(SENTENCES * 4 * 16_000 * 2);
        int before = engine.words.get();

        Stalled client = new Stalled();
        remote.start(request(), client, SynthesisObserver.NONE, false);
        // Wait until the worker's engine stops making sentences (bounded), then check it stopped short.
        int last = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (engine.words.get() != last && System.nanoTime() < deadline) {
            last = engine.words.get();
            Thread.sleep(700);
        }
        int made = engine.words.get() - before;
        assertThat(made).as("words (seconds of audio) made while the client read nothing")
                .isLessThan(SENTENCES * 4 / 2);
        assertThat(client.messagesWhileStalled.get()).as("audio pieces the gateway handed a stalled client")
                .isLessThanOrEqualTo(InboundFlow.WINDOW);
        assertThat(client.done.isDone()).isFalse();

        client.read();
        assertThat(client.done.get(20, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(engine.words.get() - before).isEqualTo(SENTENCES * 4);
        assertThat(client.pcm.toByteArray()).isEqualTo(local.pcm.toByteArray());
    }

    private ParsedRequest request() {
        return workerSide.parser().parse(new SynthesisRequest(TEXT, "loud:tone", null, AudioEncoding.PCM, 0, null));
    }

    /** A client that takes nothing after the first audio until {@link #read()}. */
    private static final class Stalled extends RemoteSynthesisTest.Collected {
        final AtomicInteger messagesWhileStalled = new AtomicInteger();
        private final List<Runnable> resumes = new ArrayList<>();
        private boolean reading;
        private boolean sawAudio;

        @Override
        public synchronized void onAudio(short[] samples, int offset, int length) {
            super.onAudio(samples, offset, length);
            if (!reading && sawAudio) {
                messagesWhileStalled.incrementAndGet();
            }
            sawAudio = true;
        }

        @Override
        public synchronized boolean ready() {
            return reading || !sawAudio;
        }

        @Override
        public void whenReady(Runnable resume) {
            synchronized (this) {
                if (!reading) {
                    resumes.add(resume);
                    return;
                }
            }
            resume.run();
        }

        void read() {
            List<Runnable> run;
            synchronized (this) {
                reading = true;
                run = List.copyOf(resumes);
                resumes.clear();
            }
            run.forEach(Runnable::run);
        }
    }
}

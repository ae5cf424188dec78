package dev.chorus.cluster.gateway;

import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One long request spread over three real workers (runs of two pieces, three in flight): the audio, timings and
 * pieces equal one process's synthesis of the same request, sample for sample, at a rate that needs resampling,
 * with pitch and volume, pauses and marks; the runs land on several workers; and a worker closed in the middle of
 * a request leaves complete, identical audio.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpreadTest {

    private static final String TEXT = String.join(" ", java.util.Collections.nCopies(4,
            "One two three. Four five six seven. Eight nine. Ten eleven twelve."));
    private static final String SSML = "<speak>One two three. Four five.<break time=\"230ms\"/>Six seven eight. "
            + "<mark name=\"here\"/>Nine ten. <prosody pitch=\"+3st\">Eleven twelve thirteen.</prosody> Fourteen "
            + "fifteen.<break time=\"70ms\"/> Sixteen seventeen. Eighteen.</speak>";

    private static final List<Synthesizer> synthesizers = new ArrayList<>();
    private static final List<WorkerServer> workers = new ArrayList<>();
    private static Synthesizer local;
    private static Gateway gateway;
    private static Synthesis remote;
    private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        local = synthesizer();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Synthesizer s = synthesizer();
            synthesizers.add(s);
            WorkerServer w = WorkerServer.start(s, "127.0.0.1", 0, null);
            workers.add(w);
            addresses.add("127.0.0.1:" + w.port());
        }
        gateway = Gateway.builder(addresses).outlier(new OutlierSettings(5, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ZERO)).spread(new SpreadSettings(1, 2, 3))
                .build();
        gateway.bindMetrics(meters);
        assertThat(gateway.awaitWorkers(Duration.ofSeconds(10))).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gateway.status().get().split("\"state\":\"up\"", -1).length - 1 < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        EngineRegistry catalog = EngineRegistry.builder().providers(gateway.engineProviders())
                .defaultVoice("slow:tone").build();
        remote = gateway.synthesis(catalog);
    }

    private static Synthesizer synthesizer() {
        return Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(new SlowTone(),
                new WordlessTone())).defaultVoice("slow:tone").build()).build();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        workers.forEach(w -> {
            try {
                w.close();
            } catch (RuntimeException ignored) {
                // closed by the test already
            }
        });
        synthesizers.forEach(Synthesizer::close);
        if (local != null) {
            local.close();
        }
    }

    private static ParsedRequest request(String text, SynthesisOptions options) {
        return local.parser().parse(new SynthesisRequest(text, "slow:tone", options, AudioEncoding.PCM, 22_050,
                null));
    }

    private static RemoteSynthesisTest.Collected alone(ParsedRequest r) throws Exception {
        RemoteSynthesisTest.Collected c = new RemoteSynthesisTest.Collected();
        local.start(r, c, SynthesisObserver.NONE, false).completion().get(20, TimeUnit.SECONDS);
        return c;
    }

    private static long spreadWorkers() {
        return meters.find("chorus.cluster.spread.runs").counters().stream().filter(c -> c.count() > 0).count();
    }

    private static double spreadRuns() {
        return meters.find("chorus.cluster.spread.runs").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aLongTextSpreadOverWorkersEqualsOneProcessSampleForSample() throws Exception {
        ParsedRequest r = request(TEXT, new SynthesisOptions(1.0, null, 0, 4.0));
        RemoteSynthesisTest.Collected expected = alone(r);
        double runsBefore = spreadRuns();
        RemoteSynthesisTest.Collected spread = new RemoteSynthesisTest.Collected();
        remote.start(r, spread, SynthesisObserver.NONE, false).completion().get(20, TimeUnit.SECONDS);
        assertThat(spread.done.get(1, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(expected.pcm.size()).isGreaterThan(40 * 2_205 * 2);
        assertThat(spread.pcm.toByteArray()).isEqualTo(expected.pcm.toByteArray());
        assertThat(spread.timings).isEqualTo(expected.timings);
        assertThat(spread.chunksDone).isEqualTo(expected.chunksDone).hasSize(16);
        assertThat(spreadRuns() - runsBefore).as("runs of two pieces").isEqualTo(8);
        assertThat(spreadWorkers()).as("workers that ran a piece of it").isGreaterThanOrEqualTo(2);
    }

    @Test
    void pausesMarksAndProsodyJoinExactly() throws Exception {
        ParsedRequest r = request(SSML, null);
        RemoteSynthesisTest.Collected expected = alone(r);
        RemoteSynthesisTest.Collected spread = new RemoteSynthesisTest.Collected();
        remote.start(r, spread, SynthesisObserver.NONE, false).completion().get(20, TimeUnit.SECONDS);
        assertThat(spread.done.get(1, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(spread.pcm.toByteArray()).isEqualTo(expected.pcm.toByteArray());
        assertThat(spread.timings).isEqualTo(expected.timings);
        assertThat(spread.timings).anyMatch(t -> t.kind() == dev.chorus.runtime.Timing.Kind.MARK);
        assertThat(spread.chunksDone).isEqualTo(expected.chunksDone);
    }

    @Test
    void estimatedWordTimingsFollowTheJoinedOutput() throws Exception {
        ParsedRequest r = local.parser().parse(new SynthesisRequest(TEXT, "wordless:tone", null, AudioEncoding.PCM,
                16_000, null));
        RemoteSynthesisTest.Collected expected = alone(r);
        RemoteSynthesisTest.Collected spread = new RemoteSynthesisTest.Collected();
        remote.start(r, spread, SynthesisObserver.NONE, false).completion().get(20, TimeUnit.SECONDS);
        assertThat(spread.done.get(1, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(spread.pcm.toByteArray()).isEqualTo(expected.pcm.toByteArray());
        assertThat(expected.timings).anyMatch(dev.chorus.runtime.Timing::estimated);
        assertThat(spread.timings).isEqualTo(expected.timings);
    }

    @Test
    void aStalledClientStopsFurtherRunsAndACancelStopsThemAll() throws Exception {
        ParsedRequest r = request(TEXT, null);
        RemoteSynthesisTest.Collected expected = alone(r);
        Gated stalled = new Gated();
        double before = spreadRuns();
        remote.start(r, stalled, SynthesisObserver.NONE, false);
        Thread.sleep(1_500);
        assertThat(spreadRuns() - before).as("runs sent while the client takes nothing").isEqualTo(1);
        assertThat(stalled.done).isNotDone();
        stalled.open();
        assertThat(stalled.done.get(20, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(stalled.pcm.toByteArray()).isEqualTo(expected.pcm.toByteArray());
        assertThat(spreadRuns() - before).isEqualTo(8);

        Gated leaving = new Gated();
        leaving.open();
        int finishedBefore = SlowTone.FINISHED.get();
        double beforeCancel = spreadRuns();
        String longer = String.join(" ", java.util.Collections.nCopies(4, TEXT));
        var handle = remote.start(request(longer, null), leaving, SynthesisObserver.NONE, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (leaving.chunksDone.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        handle.cancel();
        assertThat(leaving.done.get(10, TimeUnit.SECONDS)).isEqualTo("SynthesisCancelledException");
        double sent = spreadRuns() - beforeCancel;
        Thread.sleep(1_000);
        int finished = SlowTone.FINISHED.get() - finishedBefore;
        Thread.sleep(500);
        assertThat(spreadRuns() - beforeCancel).as("runs sent after the cancel").isEqualTo(sent).isLessThan(32);
        assertThat(SlowTone.FINISHED.get() - finishedBefore).as("sentences made, and none more after the cancel")
                .isEqualTo(finished).isLessThan(64);
    }

    /**
     * A client that takes nothing until {@link #open()}; like the HTTP and gRPC front ends, it keeps one pending
     * resume at a time (a later one replaces it).
     */
    static final class Gated extends RemoteSynthesisTest.Collected {
        private Runnable waiting;
        private boolean open;

        @Override
        public synchronized boolean ready() {
            return open;
        }

        @Override
        public void whenReady(Runnable resume) {
            synchronized (this) {
                if (!open) {
                    waiting = resume;
                    return;
                }
            }
            resume.run();
        }

        void open() {
            Runnable run;
            synchronized (this) {
                open = true;
                run = waiting;
                waiting = null;
            }
            if (run != null) {
                run.run();
            }
        }
    }

    @Test
    void aWorkerClosedMidRequestLeavesCompleteIdenticalAudio() throws Exception {
        ParsedRequest r = request(TEXT + " " + TEXT, null);
        RemoteSynthesisTest.Collected expected = alone(r);
        CountDownLatch someAudio = new CountDownLatch(1);
        RemoteSynthesisTest.Collected spread = new RemoteSynthesisTest.Collected() {
            @Override
            public void onChunkDone(int index, int chunks) {
                super.onChunkDone(index, chunks);
                if (index == 2) {
                    someAudio.countDown();
                }
            }
        };
        remote.start(r, spread, SynthesisObserver.NONE, false);
        assertThat(someAudio.await(20, TimeUnit.SECONDS)).isTrue();
        workers.get(1).close();
        assertThat(spread.done.get(30, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(spread.pcm.toByteArray()).isEqualTo(expected.pcm.toByteArray());
        assertThat(spread.timings).isEqualTo(expected.timings);
        assertThat(spread.chunksDone).isEqualTo(expected.chunksDone).hasSize(32);
    }
}

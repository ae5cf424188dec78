package dev.chorus.cluster.host;

import dev.chorus.cluster.WorkerLoad;
import dev.chorus.cluster.WorkerPlaced;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.service.ApiException;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The crash guard's rules, over a synthesis whose runs the test plays by hand (as a host's stream ends when the
 * host dies): a crash with several requests in flight strikes none of them and re-runs each alone, continuing its
 * audio where the client is; a crash alone is a strike; two strikes refuse the input with 422; a stuck request gets
 * its host killed; a voice that keeps crashing is quarantined.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CrashGuardTest {

    private static final String HOST = "127.0.0.1:1";
    private static final HostExit SEGV = new HostExit(1, 42, 1, "SIGSEGV", "SIGSEGV (0xb) at pc=0x0", Duration.ZERO);
    private static final VoiceInfo VOICE = new VoiceInfo("espeak:en", "En", "en", null, 16_000, "espeak", "1", true);

    private final AtomicLong now = new AtomicLong(1);
    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final List<String> kills = new CopyOnWriteArrayList<>();
    private final Synthesis hosts = new Synthesis() {
        @Override
        public SynthesisHandle start(ParsedRequest request, SynthesisListener listener, SynthesisObserver observer,
                                     boolean reuseSentences) {
            Run r = new Run(request.request().text(), listener);
            runs.add(r);
            return r;
        }

        @Override
        public long nanoTime() {
            return now.get();
        }
    };
    private final HostControl control = new HostControl() {
        @Override
        public Duration restartIn() {
            return Duration.ofSeconds(1);
        }

        @Override
        public List<String> addresses() {
            return List.of(HOST);
        }

        @Override
        public String address(int number) {
            return number == 1 ? HOST : null;
        }

        @Override
        public Duration uptime(String address) {
            return Duration.ofHours(1);
        }

        @Override
        public Map<String, WorkerLoad> loads() {
            return Map.of(HOST, new WorkerLoad(0, Map.of(), Duration.ofMillis(10)));
        }

        @Override
        public boolean killHung(String address, String reason) {
            kills.add(address + ": " + reason);
            return true;
        }
    };
    private final CrashGuard guard = new CrashGuard(hosts, control, Duration.ofMinutes(10), 2, Duration.ofSeconds(5),
            now::get, v -> v);

    @AfterEach
    void close() {
        guard.close();
    }

    /** One call on the fake host: the test plays its events. */
    private static final class Run implements SynthesisHandle, WorkerPlaced {
        final String text;
        final SynthesisListener listener;

        Run(String text, SynthesisListener listener) {
            this.text = text;
            this.listener = listener;
        }

        /** Plays a whole plan of two pieces: [1, 2, 3] and [4, 5]. */
        void playAll() {
            listener.onStart(VOICE, 16_000, 2);
            listener.onAudio(new short[] {1, 2, 3}, 0, 3);
            listener.onChunkDone(0, 2);
            listener.onAudio(new short[] {4, 5}, 0, 2);
            listener.onChunkDone(1, 2);
            listener.onComplete(new SynthesisSummary("espeak:en", 16_000, 5, 4, 2, Duration.ZERO, Duration.ZERO));
        }

        /** Plays the first piece and one sample of the second, then the stream breaks. */
        void playPartThenBreak() {
            listener.onStart(VOICE, 16_000, 2);
            listener.onAudio(new short[] {1, 2, 3}, 0, 3);
            listener.onChunkDone(0, 2);
            listener.onAudio(new short[] {4}, 0, 1);
        }

        void breaks() {
            listener.onError(new SynthesisException("worker failed: UNKNOWN"));
        }

        @Override
        public void cancel() {
        }

        @Override
        public CompletableFuture<SynthesisSummary> completion() {
            return new CompletableFuture<>();
        }

        @Override
        public String workerAddress() {
            return HOST;
        }
    }

    /** What one client got. */
    private static final class Client implements SynthesisListener {
        final List<Short> audio = new CopyOnWriteArrayList<>();
        final List<Integer> chunks = new CopyOnWriteArrayList<>();
        int starts;
        final CompletableFuture<ChorusException> outcome = new CompletableFuture<>();

        @Override
        public void onStart(VoiceInfo voice, int sampleRate, int n) {
            starts++;
        }

        @Override
        public void onAudio(short[] samples, int offset, int length) {
            for (int i = 0; i < length; i++) {
                audio.add(samples[offset + i]);
            }
        }

        @Override
        public void onChunkDone(int index, int n) {
            chunks.add(index);
        }

        @Override
        public void onComplete(SynthesisSummary summary) {
            outcome.complete(null);
        }

        @Override
        public void onError(ChorusException error) {
            outcome.complete(error);
        }
    }

    private Client start(String text) {
        Client c = new Client();
        guard.start(new ParsedRequest(SynthesisRequest.of(text, "espeak:en"), null), c, SynthesisObserver.NONE, true);
        return c;
    }

    private Run awaitRun(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (runs.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(runs).as("runs started").hasSize(n);
        return runs.get(n - 1);
    }

    @Test
    void aCrashWithOthersInFlightReRunsEachAloneAndOnlyTheCulpritIsRefused() throws Exception {
        Client innocent = start("innocent");
        Client poison = start("poison");
        runs.get(0).playPartThenBreak();
        guard.hostCrashed(SEGV);
        runs.get(0).breaks();
        runs.get(1).breaks();
        // Suspects run again one at a time: the first, alone, continues where its client is.
        Run again = awaitRun(3);
        assertThat(again.text).isEqualTo("innocent");
        Thread.sleep(100);
        assertThat(runs).as("nothing else runs beside a suspect").hasSize(3);
        again.playAll();
        assertThat(innocent.outcome.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(innocent.audio).containsExactly((short) 1, (short) 2, (short) 3, (short) 4, (short) 5);
        assertThat(innocent.chunks).containsExactly(0, 1);
        assertThat(innocent.starts).isOne();
        // The poison, alone, crashes the host twice: two strikes, and its client gets the 422.
        for (int crash = 1; crash <= 2; crash++) {
            Run p = awaitRun(3 + crash);
            assertThat(p.text).isEqualTo("poison");
            guard.hostCrashed(SEGV);
            p.breaks();
        }
        ChorusException e = poison.outcome.get(5, TimeUnit.SECONDS);
        assertThat(e).isInstanceOf(SynthesisException.class);
        assertThat(e.getCause()).isInstanceOfSatisfying(ApiException.class, a -> {
            assertThat(a.status()).isEqualTo(422);
            assertThat(a.code()).isEqualTo("input_crashes_engine");
        });
        assertThatThrownBy(() -> start("poison")).isInstanceOfSatisfying(ApiException.class,
                a -> assertThat(a.status()).isEqualTo(422)).hasMessageContaining("crash 2 times");
        // The bystander was never struck: it still runs.
        start("innocent");
        assertThat(awaitRun(6).text).isEqualTo("innocent");
        assertThat(guard.quarantinedNow()).isOne();
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(guard.quarantinedNow()).isZero();
    }

    @Test
    void newRequestsWaitWhileASuspectRunsAlone() throws Exception {
        start("a");
        start("b");
        guard.hostCrashed(SEGV);
        runs.get(0).breaks();
        runs.get(1).breaks();
        Run first = awaitRun(3);
        Client late = start("late");
        Thread.sleep(100);
        assertThat(runs).as("the new request waits").hasSize(3);
        first.playAll();
        Run second = awaitRun(4);
        second.playAll();
        Run released = awaitRun(5);
        assertThat(released.text).isEqualTo("late");
        released.playAll();
        assertThat(late.outcome.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(late.audio).hasSize(5);
    }

    @Test
    void anErrorWithoutACrashKeepsItsMeaning() throws Exception {
        Client c = start("text");
        runs.getLast().listener.onError(new SynthesisException("engine said no"));
        assertThat(c.outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(SynthesisException.class)
                .hasMessage("engine said no");
    }

    @Test
    void aRequestWithoutProgressGetsItsHostKilledAndCountsLikeACrash() throws Exception {
        Client stuck = start("stuck");
        Client fine = start("fine");
        runs.get(1).listener.onStart(VOICE, 16_000, 2);
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        runs.get(1).listener.onAudio(new short[] {1, 2, 3}, 0, 3);
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (kills.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(kills).isNotEmpty().first().asString().startsWith(HOST + ": a request made no progress");
        HostExit hang = new HostExit(1, 42, 137, null, null, Duration.ofSeconds(6), "no progress");
        guard.hostCrashed(hang);
        runs.get(0).breaks();
        runs.get(1).breaks();
        // The stuck one caused it and runs again first, alone; the other, not struck, follows and completes.
        Run again = awaitRun(3);
        assertThat(again.text).isEqualTo("stuck");
        guard.hostCrashed(hang);
        again.breaks();
        assertThat(stuck.outcome.get(5, TimeUnit.SECONDS).getCause()).isInstanceOf(ApiException.class);
        Run other = awaitRun(4);
        assertThat(other.text).isEqualTo("fine");
        other.playAll();
        assertThat(fine.outcome.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(fine.audio).containsExactly((short) 1, (short) 2, (short) 3, (short) 4, (short) 5);
    }

    @Test
    void aVoiceWhoseInputsKeepCrashingIsQuarantined() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CrashGuard.VOICE_CRASHES; i++) {
            clients.add(start("bad " + i));
            guard.hostCrashed(SEGV);
            runs.getLast().breaks();
            awaitRun(2 * i + 2).playAll();
        }
        assertThat(guard.quarantinedVoices()).containsOnlyKeys("espeak:en");
        assertThatThrownBy(() -> start("anything")).isInstanceOf(OverloadedException.class)
                .hasMessageContaining("voice espeak:en is quarantined");
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(guard.quarantinedVoices()).isEmpty();
    }
}

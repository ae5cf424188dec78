package dev.chorus.cluster.host;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The crash guard's rules, over a synthesis whose runs the test ends by hand (as a host's stream ends when the
 * host dies): strikes per crash, cleared by a success; 422 after two; quarantine that ends; 503, never 500, for a
 * request a crash cut.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CrashGuardTest {

    private final AtomicLong now = new AtomicLong();
    private final List<SynthesisListener> runs = new ArrayList<>();
    private final Synthesis hosts = new Synthesis() {
        @Override
        public SynthesisHandle start(ParsedRequest request, SynthesisListener listener, SynthesisObserver observer,
                                     boolean reuseSentences) {
            runs.add(listener);
            return new SynthesisHandle() {
                @Override
                public void cancel() {
                }

                @Override
                public CompletableFuture<SynthesisSummary> completion() {
                    return new CompletableFuture<>();
                }
            };
        }

        @Override
        public long nanoTime() {
            return now.get();
        }
    };
    private final CrashGuard guard = new CrashGuard(hosts, () -> Duration.ofSeconds(2), Duration.ofMinutes(10), 2,
            now::get);
    private static final HostExit SEGV = new HostExit(1, 42, 1, "SIGSEGV", "SIGSEGV (0xb) at pc=0x0", Duration.ZERO);

    private static ParsedRequest request(String text) {
        return new ParsedRequest(SynthesisRequest.of(text, "espeak:en"), null);
    }

    private CompletableFuture<ChorusException> start(String text) {
        CompletableFuture<ChorusException> outcome = new CompletableFuture<>();
        guard.start(request(text), new SynthesisListener() {
            @Override
            public void onAudio(short[] samples, int offset, int length) {
            }

            @Override
            public void onComplete(SynthesisSummary summary) {
                outcome.complete(null);
            }

            @Override
            public void onError(ChorusException error) {
                outcome.complete(error);
            }
        }, SynthesisObserver.NONE, true);
        return outcome;
    }

    /** Crashes a host under the last run: the supervisor tells the guard, then the stream ends. */
    private void crashLast() {
        guard.hostCrashed(SEGV);
        runs.getLast().onError(new SynthesisException("worker failed: UNKNOWN"));
    }

    @Test
    void anInputInTwoCrashesIsRefusedWith422UntilItsQuarantineEnds() throws Exception {
        for (int i = 0; i < 2; i++) {
            CompletableFuture<ChorusException> r = start("poison");
            crashLast();
            ChorusException e = r.get(5, TimeUnit.SECONDS);
            assertThat(e).isInstanceOf(OverloadedException.class).hasMessageContaining("crashed")
                    .hasMessageContaining("SIGSEGV");
            assertThat(((OverloadedException) e).retryAfter()).isPositive();
        }
        assertThatThrownBy(() -> start("poison")).isInstanceOfSatisfying(ApiException.class,
                a -> assertThat(a.status()).isEqualTo(422)).hasMessageContaining("crash 2 times");
        assertThat(runs).hasSize(2);
        assertThat(guard.quarantinedNow()).isEqualTo(1);
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(guard.quarantinedNow()).isZero();
        start("poison");
        assertThat(runs).hasSize(3);
    }

    @Test
    void aBystanderThatCompletesLosesItsStrike() throws Exception {
        CompletableFuture<ChorusException> first = start("innocent");
        crashLast();
        assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(OverloadedException.class);
        CompletableFuture<ChorusException> retry = start("innocent");
        runs.getLast().onComplete(new SynthesisSummary("espeak:en", 22050, 100, 8, 1, Duration.ZERO, Duration.ZERO));
        assertThat(retry.get(5, TimeUnit.SECONDS)).isNull();
        CompletableFuture<ChorusException> again = start("innocent");
        crashLast();
        assertThat(again.get(5, TimeUnit.SECONDS)).isInstanceOf(OverloadedException.class);
        // One strike since its success: still served.
        start("innocent");
        assertThat(runs).hasSize(4);
    }

    @Test
    void anErrorWithoutACrashKeepsItsMeaning() throws Exception {
        CompletableFuture<ChorusException> r = start("text");
        runs.getLast().onError(new SynthesisException("engine said no"));
        assertThat(r.get(5, TimeUnit.SECONDS)).isInstanceOf(SynthesisException.class)
                .hasMessage("engine said no");
    }
}

package dev.chorus.cluster.host;

import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.service.ApiException;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.VoiceInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@link Synthesis} in front of the engine hosts that keeps one bad input from crashing them in a loop.
 *
 * <p>Design: every request running on the hosts is tracked with the hash of its prepared input (voice, text or
 * SSML, options). When a host crashes, each tracked request gets a strike for its input (the supervisor cannot
 * tell which request's native call crashed, so every request in flight is a suspect); an input that completes
 * anywhere loses its strikes, so a bystander clears itself on its retry. An input with {@code maxCrashes} strikes
 * is quarantined for {@code quarantine}: it is refused with 422 before it reaches a host. A request that was on
 * a crashed host and could not be finished elsewhere fails with 503 and {@code Retry-After} (the host's restart),
 * never a 500. Because the gRPC stream's end can reach the request before the process's exit reaches the
 * supervisor, an error is held for up to {@code CRASH_WAIT} for a crash to be told of.
 */
public final class CrashGuard implements Synthesis {

    private static final System.Logger LOG = System.getLogger("dev.chorus.enginehost");
    /** How long a failed request waits for the supervisor to report a crash before its error is final. */
    static final Duration CRASH_WAIT = Duration.ofMillis(1500);
    /** Most inputs kept with strikes or in quarantine; beyond it the oldest knowledge is dropped. */
    static final int MAX_TRACKED = 10_000;

    private final Synthesis hosts;
    private final Supplier<Duration> restartIn;
    private final Duration quarantine;
    private final int maxCrashes;
    private final LongSupplier ticker;
    private final Set<Run> running = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> strikes = new ConcurrentHashMap<>();
    private final Map<String, Long> quarantined = new ConcurrentHashMap<>();
    private volatile Counter refusals;

    /**
     * Creates the guard over {@code hosts}.
     *
     * @param restartIn  how long until a crashed host is back (the {@code Retry-After} of a request it cost)
     * @param quarantine how long an input that crashed hosts {@code maxCrashes} times is refused
     * @param maxCrashes crashes an input may cause before it is refused (2)
     */
    public CrashGuard(Synthesis hosts, Supplier<Duration> restartIn, Duration quarantine, int maxCrashes,
                      LongSupplier ticker) {
        if (quarantine.isNegative() || quarantine.isZero()) {
            throw new IllegalArgumentException("engines.quarantine: " + quarantine + " (expected: > 0)");
        }
        if (maxCrashes < 1) {
            throw new IllegalArgumentException("maxCrashes: " + maxCrashes + " (expected: >= 1)");
        }
        this.hosts = hosts;
        this.restartIn = restartIn;
        this.quarantine = quarantine;
        this.maxCrashes = maxCrashes;
        this.ticker = ticker;
    }

    /** Registers the quarantine's metrics: inputs quarantined now, and requests refused for it. */
    public void bindMetrics(MeterRegistry registry) {
        Gauge.builder("chorus.engine.quarantined.inputs", this, CrashGuard::quarantinedNow)
                .description("inputs refused because they crashed engine hosts").register(registry);
        refusals = Counter.builder("chorus.engine.quarantine.refusals")
                .description("requests refused with 422 because their input crashed engine hosts")
                .register(registry);
    }

    /** Returns how many inputs are quarantined now. */
    public int quarantinedNow() {
        long now = ticker.getAsLong();
        quarantined.values().removeIf(until -> until - now <= 0);
        return quarantined.size();
    }

    /** Tells the guard a host crashed: every request in flight is a suspect. */
    public void hostCrashed(HostExit exit) {
        for (Run r : running) {
            r.crashed(exit);
        }
    }

    @Override
    public SynthesisHandle start(ParsedRequest request, SynthesisListener listener, SynthesisObserver observer,
                                 boolean reuseSentences) {
        String hash = hash(request);
        Long until = quarantined.get(hash);
        long now = ticker.getAsLong();
        if (until != null && until - now > 0) {
            Counter c = refusals;
            if (c != null) {
                c.increment();
            }
            long minutes = Math.max(1, TimeUnit.NANOSECONDS.toMinutes(until - now + 59_999_999_999L));
            throw new ApiException(422, "input_crashes_engine", "input", "input: this input made the engine "
                    + "crash " + maxCrashes + " times, so it is refused for the next " + minutes + " min (input "
                    + hash.substring(0, 12) + "); change the text or the voice");
        }
        Run run = new Run(hash, listener);
        running.add(run);
        try {
            run.handle = hosts.start(request, run, observer, reuseSentences);
        } catch (OverloadedException e) {
            // Refused before any work: no host is up (the hosts' own refusals arrive through the listener).
            running.remove(run);
            Duration wait = restartIn.get().plusSeconds(2);
            throw new OverloadedException("the engine host for voice " + request.request().voice() + " is not up "
                    + "(it restarts after a crash); try again in " + wait.toSeconds() + " s", wait);
        } catch (RuntimeException e) {
            running.remove(run);
            throw e;
        }
        return run;
    }

    @Override
    public long nanoTime() {
        return hosts.nanoTime();
    }

    /** Returns the hex SHA-256 of what makes an input: voice, text, options, text options. */
    static String hash(ParsedRequest request) {
        var r = request.request();
        String key = r.voice() + '\0' + r.text() + '\0' + r.options() + '\0' + r.textOptions();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void strike(String hash, HostExit exit) {
        if (strikes.size() >= MAX_TRACKED) {
            strikes.clear();
        }
        int n = strikes.merge(hash, 1, Integer::sum);
        if (n >= maxCrashes) {
            strikes.remove(hash);
            if (quarantined.size() >= MAX_TRACKED) {
                quarantinedNow();
            }
            quarantined.put(hash, ticker.getAsLong() + quarantine.toNanos());
            LOG.log(System.Logger.Level.WARNING, "input {0} was in flight in {1} engine host crashes (the last: host "
                    + "{2}, {3}); refused with 422 for {4} s", hash.substring(0, 12), n, exit.host(), exit.describe(),
                    quarantine.toSeconds());
        }
    }

    /** One request on the hosts: passes events through, holds its error a moment to learn whether a host crashed. */
    private final class Run implements SynthesisListener, SynthesisHandle {
        final String hash;
        final SynthesisListener listener;
        final CompletableFuture<SynthesisSummary> completion = new CompletableFuture<>();
        final CompletableFuture<HostExit> crash = new CompletableFuture<>();
        volatile SynthesisHandle handle;

        Run(String hash, SynthesisListener listener) {
            this.hash = hash;
            this.listener = listener;
        }

        /** Counts a strike for every crash during the run (a resumed run may be on several hosts that crash). */
        void crashed(HostExit exit) {
            strike(hash, exit);
            crash.complete(exit);
        }

        @Override
        public void onWarning(String warning) {
            listener.onWarning(warning);
        }

        @Override
        public void onStart(VoiceInfo voice, int sampleRate, int chunks) {
            listener.onStart(voice, sampleRate, chunks);
        }

        @Override
        public void onAudio(short[] samples, int offset, int length) {
            listener.onAudio(samples, offset, length);
        }

        @Override
        public void onTiming(Timing timing) {
            listener.onTiming(timing);
        }

        @Override
        public void onChunkDone(int index, int chunks) {
            listener.onChunkDone(index, chunks);
        }

        @Override
        public void onComplete(SynthesisSummary summary) {
            running.remove(this);
            strikes.remove(hash);
            try {
                listener.onComplete(summary);
            } finally {
                completion.complete(summary);
            }
        }

        @Override
        public void onError(ChorusException error) {
            if (error instanceof InvalidInputException || error instanceof SynthesisCancelledException
                    || crash.isDone()) {
                fail(error);
                return;
            }
            // The stream may have ended before the supervisor saw the process exit: wait for it a moment.
            crash.completeOnTimeout(null, CRASH_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((exit, ignored) -> fail(error));
        }

        private void fail(ChorusException error) {
            running.remove(this);
            HostExit exit = crash.getNow(null);
            ChorusException shown = error;
            // A request cut by a crash gets 503 whatever status the broken stream ended with (UNKNOWN, UNAVAILABLE).
            if (exit != null && !(error instanceof InvalidInputException) && !(error instanceof DeadlineExceededException)
                    && !(error instanceof SynthesisCancelledException)) {
                Duration wait = restartIn.get();
                shown = new OverloadedException("the engine host running this request crashed (" + exit.describe()
                        + ") and no other could finish it; try again in " + Math.max(1, wait.toSeconds()) + " s",
                        wait.plusSeconds(1));
            }
            try {
                listener.onError(shown);
            } finally {
                completion.completeExceptionally(shown);
            }
        }

        @Override
        public boolean ready() {
            return listener.ready();
        }

        @Override
        public void whenReady(Runnable resume) {
            listener.whenReady(resume);
        }

        @Override
        public void cancel() {
            SynthesisHandle h = handle;
            if (h != null) {
                h.cancel();
            }
        }

        @Override
        public CompletableFuture<SynthesisSummary> completion() {
            return completion;
        }
    }
}

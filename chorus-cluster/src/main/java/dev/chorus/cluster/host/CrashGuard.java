package dev.chorus.cluster.host;

import dev.chorus.cluster.WorkerLoad;
import dev.chorus.cluster.host.GuardedRun.Attempt;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.service.ApiException;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The {@link Synthesis} in front of the engine hosts: re-runs what a crashed or hung host cut on a fresh host, finds
 * the input that crashed it without punishing the requests beside it, and refuses inputs and voices that keep
 * crashing hosts.
 *
 * <p>Design: every request running on the hosts is tracked with its current attempt. When a host dies, the
 * attempts it ran are cut. An attempt that ran alone on that host (or the one the hang watch found stuck while the
 * others progressed) caused the crash: its input gets a strike, and it runs again last. The others are only
 * suspects: they wait in a queue and are re-run one at a time, each alone on the hosts, with nothing else in flight
 * and new requests held back meanwhile, so that the next crash names its input; each continues from the piece its client was hearing ({@link GuardedRun}). An input with
 * {@code maxCrashes} strikes is refused with 422; a request cut more than {@link #MAX_CUTS} times, or that waits
 * longer than {@link #RECOVERY_WAIT} for its turn or for a host, ends with 503 and {@code Retry-After}. Because
 * the gRPC stream's end can reach an attempt before the process's exit reaches the supervisor, an error is held
 * for up to {@link #CRASH_WAIT} (longer while the host is silent) for a crash to be told of.
 *
 * <p>The hang watch runs every {@link #WATCH_EVERY}: an attempt that made no progress (no audio, no finished piece)
 * for longer than its deadline while its client was reading, or a host whose load reports stopped for longer than
 * the hang timeout, has its host killed and restarted; the kill is then handled as a crash. The deadline of a
 * sentence is {@code max(hangTimeout, 4 × (backlog + rtf × audio estimate))} from the host's own report.
 *
 * <p>The queue, the held requests and the attempts in flight are guarded by this object's lock; hosts are called
 * outside it.
 */
public final class CrashGuard implements Synthesis, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.chorus.enginehost");
    /** How long a failed request waits for the supervisor to report a crash before its error is final. */
    static final Duration CRASH_WAIT = Duration.ofMillis(1500);
    /** Most times a host may die under one request before it ends with 503. */
    static final int MAX_CUTS = 4;
    /** How long a cut request may wait for a fresh host before it ends with 503. */
    static final Duration RECOVERY_WAIT = Duration.ofSeconds(60);
    /** Most new requests held back while the suspects of a crash are re-run; beyond it, 503. */
    static final int MAX_HELD = 256;
    /** How often the hang watch looks. */
    static final Duration WATCH_EVERY = Duration.ofMillis(250);
    /** Crashes identified on one voice's inputs within the quarantine period that quarantine the voice. */
    static final int VOICE_CRASHES = 5;
    /** Seconds of audio per character, to turn a text's length into an audio estimate. */
    private static final double AUDIO_SECONDS_PER_CHAR = 0.08;

    private final Synthesis hosts;
    private final HostControl control;
    private final Quarantine quarantine;
    private final Duration hangTimeout;
    private final LongSupplier ticker;
    private final UnaryOperator<String> voiceId;
    private final Set<Attempt> inFlight = new HashSet<>();
    private final ArrayDeque<GuardedRun> suspects = new ArrayDeque<>();
    private final ArrayDeque<GuardedRun> held = new ArrayDeque<>();
    private GuardedRun isolated;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("chorus-crash-guard").unstarted(r));
    private volatile Counter reruns;

    /**
     * Creates the guard over {@code hosts} and starts its hang watch.
     *
     * @param control     the hosts' supervisor: restart times, reports, kills
     * @param quarantine  how long an input that crashed hosts {@code maxCrashes} times (or a voice that keeps
     *                    crashing them) is refused
     * @param maxCrashes  identified crashes an input may cause before it is refused (2)
     * @param hangTimeout the least time a sentence may run without progress, and a host stay silent, before its
     *                    host counts as hung
     * @param voiceId     resolves a request's voice name to its voice id (aliases, defaults)
     */
    public CrashGuard(Synthesis hosts, HostControl control, Duration quarantine, int maxCrashes, Duration hangTimeout,
                      LongSupplier ticker, UnaryOperator<String> voiceId) {
        if (hangTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("engines.isolation-hang-timeout: " + hangTimeout
                    + " (expected: >= 1s)");
        }
        this.hosts = hosts;
        this.control = control;
        this.quarantine = new Quarantine(quarantine, maxCrashes, VOICE_CRASHES, ticker);
        this.hangTimeout = hangTimeout;
        this.ticker = ticker;
        this.voiceId = voiceId;
        timer.scheduleWithFixedDelay(this::watch, WATCH_EVERY.toMillis(), WATCH_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Registers the guard's metrics: quarantined inputs and voices, refusals, re-runs. */
    public void bindMetrics(MeterRegistry registry) {
        quarantine.bindMetrics(registry);
        reruns = Counter.builder("chorus.engine.host.reruns")
                .description("requests re-run on a fresh engine host after a host they ran on crashed or hung")
                .register(registry);
    }

    /** Returns how many inputs are quarantined now. */
    public int quarantinedNow() {
        return quarantine.inputsNow();
    }

    /** Returns the voices quarantined now, each with why, for the voice list. */
    public Map<String, String> quarantinedVoices() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        quarantine.voicesNow().forEach((v, left) -> out.put(v, "quarantined: its inputs crashed the engine host "
                + VOICE_CRASHES + " times; refused for " + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left))
                + " s more"));
        return out;
    }

    @Override
    public SynthesisHandle start(ParsedRequest request, SynthesisListener listener, SynthesisObserver observer,
                                 boolean reuseSentences) {
        String hash = hash(request);
        long left = quarantine.inputRefusedFor(hash);
        if (left > 0) {
            throw refusal(hash, left);
        }
        String voice = voiceOf(request);
        long voiceLeft = voice == null ? 0 : quarantine.voiceRefusedFor(voice);
        if (voiceLeft > 0) {
            throw new OverloadedException("voice " + voice + " is quarantined: its inputs crashed the engine host "
                    + VOICE_CRASHES + " times; it is refused for " + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(
                    voiceLeft)) + " s more; use another voice", Duration.ofNanos(voiceLeft));
        }
        GuardedRun run = new GuardedRun(this, request, hash, voice, listener, observer, reuseSentences, nanoTime());
        Attempt a;
        synchronized (this) {
            if (isolated != null || !suspects.isEmpty()) {
                // Suspects of a crash run alone now: this request waits its turn.
                if (held.size() >= MAX_HELD) {
                    throw new OverloadedException("the engine host is recovering from a crash (" + held.size()
                            + " requests wait); try again shortly", Duration.ofSeconds(2));
                }
                run.heldAt = nanoTime();
                held.add(run);
                return run;
            }
            a = run.next(false);
            inFlight.add(a);
        }
        try {
            launch(a, observer);
        } catch (OverloadedException e) {
            // Refused before any work: no host is up (the hosts' own refusals arrive through the listener).
            ended(a);
            pump();
            Duration wait = control.restartIn().plusSeconds(2);
            throw new OverloadedException("the engine host for voice " + request.request().voice() + " is not up "
                    + "(it restarts after a crash); try again in " + wait.toSeconds() + " s", wait);
        } catch (RuntimeException e) {
            ended(a);
            pump();
            throw e;
        }
        return run;
    }

    @Override
    public long nanoTime() {
        return ticker.getAsLong();
    }

    /** Stops the hang watch. */
    @Override
    public void close() {
        timer.shutdownNow();
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

    private String voiceOf(ParsedRequest request) {
        try {
            return voiceId.apply(request.request().voice());
        } catch (RuntimeException e) {
            return request.request().voice();
        }
    }

    private ApiException refusal(String hash, long leftNanos) {
        long minutes = Math.max(1, TimeUnit.NANOSECONDS.toMinutes(leftNanos + 59_999_999_999L));
        return new ApiException(422, "input_crashes_engine", "input", "input: this input made the engine crash "
                + quarantine.maxCrashes() + " times, so it is refused for the next " + minutes + " min (input "
                + hash.substring(0, 12) + "); change the text or the voice");
    }

    private void launch(Attempt a, SynthesisObserver observer) {
        a.launchedNanos = nanoTime();
        a.progressNanos = a.launchedNanos;
        GuardedRun run = a.run;
        a.handle = hosts.start(run.request, a, observer, run.reuseSentences);
        if (run.cancelled) {
            a.handle.cancel();
        }
    }

    /** Starts a held or cut request on the hosts, waiting for a fresh host while none is up. */
    private void relaunch(Attempt a) {
        GuardedRun run = a.run;
        if (run.cancelled) {
            ended(a);
            run.finish(null, new SynthesisCancelledException("cancelled"));
            pump();
            return;
        }
        if (quarantine.inputRefused(run.hash)) {
            // Its input was quarantined while it waited (another request with the same input crashed a host).
            ended(a);
            run.finish(null, new SynthesisException("input crashes the engine", refusal(run.hash,
                    quarantine.period().toNanos())));
            pump();
            return;
        }
        try {
            if (!someHostReady()) {
                throw new OverloadedException("no engine host is up yet", Duration.ofSeconds(1));
            }
            launch(a, SynthesisObserver.NONE);
        } catch (OverloadedException e) {
            long since = nanoTime() - (run.cutAt >= 0 ? run.cutAt : run.startNanos);
            if (since > RECOVERY_WAIT.toNanos()) {
                ended(a);
                run.finish(null, new OverloadedException("no engine host came back within " + RECOVERY_WAIT
                        .toSeconds() + " s to finish this request; try again later", Duration.ofSeconds(10)));
                pump();
            } else {
                timer.schedule(() -> relaunch(a), 200, TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            ended(a);
            run.finish(null, e instanceof ChorusException c ? c : new SynthesisException(e.getMessage(), e));
            pump();
        }
    }

    /** Starts what may run now: the next suspect alone once nothing is in flight, else the held requests. */
    private void pump() {
        List<Attempt> start = new ArrayList<>();
        synchronized (this) {
            if (isolated == null && !suspects.isEmpty()) {
                if (inFlight.isEmpty()) {
                    isolated = suspects.poll();
                    Attempt a = isolated.next(true);
                    inFlight.add(a);
                    start.add(a);
                }
            } else if (isolated == null) {
                while (!held.isEmpty()) {
                    Attempt a = held.poll().next(false);
                    inFlight.add(a);
                    start.add(a);
                }
            }
        }
        for (Attempt a : start) {
            relaunch(a);
        }
    }

    private synchronized void ended(Attempt a) {
        inFlight.remove(a);
        if (isolated == a.run) {
            isolated = null;
        }
    }

    /** A run the client cancelled before it reached a host. */
    void cancelled(GuardedRun run) {
        boolean removed;
        synchronized (this) {
            removed = held.remove(run) | suspects.remove(run);
        }
        if (removed) {
            run.finish(null, new SynthesisCancelledException("cancelled"));
            pump();
        }
    }

    void attemptCompleted(Attempt a, SynthesisSummary summary) {
        ended(a);
        quarantine.cleared(a.run.hash);
        if (a.run.cuts > 0) {
            LOG.log(System.Logger.Level.INFO, "a request cut by an engine host crash completed on a fresh host");
        }
        try {
            a.run.finish(summary, null);
        } finally {
            pump();
        }
    }

    void attemptFailed(Attempt a, ChorusException error) {
        if (a.run.cancelled) {
            fail(a, new SynthesisCancelledException("cancelled"));
            return;
        }
        if (a.crash != null) {
            cut(a, true);
            return;
        }
        if (error instanceof InvalidInputException || error instanceof DeadlineExceededException) {
            fail(a, error);
            return;
        }
        // The stream may have ended before the supervisor saw the process exit (or killed a silent host).
        Duration wait = hostSilent(a) ? hangTimeout.plus(CRASH_WAIT).plus(WATCH_EVERY) : CRASH_WAIT;
        a.crashed.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((exit, ignored) -> {
                    if (exit != null) {
                        cut(a, true);
                    } else if (hostGone(a)) {
                        // Sent to a host that had already died (its crash told before): run it again.
                        cut(a, false);
                    } else {
                        fail(a, error);
                    }
                });
    }

    /** Tells whether the process the attempt was sent to is gone: no host runs there, or a newer one does. */
    private boolean hostGone(Attempt a) {
        String address = a.address();
        if (address == null) {
            return false;
        }
        Duration uptime = control.uptime(address);
        return uptime == null || uptime.toNanos() < nanoTime() - a.launchedNanos;
    }

    /** Tells whether some host's current process has reported: a request sent now reaches a live host. */
    private boolean someHostReady() {
        Map<String, WorkerLoad> loads = control.loads();
        for (String address : control.addresses()) {
            Duration uptime = control.uptime(address);
            WorkerLoad load = loads.get(address);
            if (uptime != null && load != null && load.reportAge().compareTo(uptime) < 0
                    && load.reportAge().toMillis() < 1000) {
                return true;
            }
        }
        return false;
    }

    private boolean hostSilent(Attempt a) {
        String address = a.address();
        WorkerLoad load = address == null ? null : control.loads().get(address);
        return load != null && load.reportAge().toMillis() > 1000;
    }

    private void fail(Attempt a, ChorusException error) {
        ended(a);
        try {
            a.run.finish(null, error);
        } finally {
            pump();
        }
    }

    /** An attempt a host's death cut: refuse its input, end it, or queue it to run again alone. */
    private void cut(Attempt a, boolean counted) {
        GuardedRun run = a.run;
        HostExit exit = a.crash;
        ended(a);
        if (counted) {
            run.cuts++;
        }
        if (run.cutAt < 0) {
            run.cutAt = nanoTime();
        }
        if (a.identified && quarantine.inputRefused(run.hash)) {
            fail(a, new SynthesisException("input crashes the engine", refusal(run.hash, quarantine.period()
                    .toNanos())));
            return;
        }
        if (run.cuts > MAX_CUTS && exit != null || run.done()) {
            Duration wait = control.restartIn();
            fail(a, new OverloadedException("the engine host running this request " + (exit.hung() ? "hung" : "crashed")
                    + " " + run.cuts + " times (the last: " + exit.describe() + "); try again in "
                    + Math.max(1, wait.toSeconds()) + " s", wait.plusSeconds(1)));
            return;
        }
        Counter c = reruns;
        if (c != null) {
            c.increment();
        }
        LOG.log(System.Logger.Level.INFO, "a request cut by engine host {0} ({1}) runs again alone on a fresh host "
                + "from piece {2}{3}", exit == null ? "?" : exit.host(), exit == null ? "gone" : exit.describe(),
                run.position(), a.identified ? " (its input caused it)" : " (a suspect)");
        synchronized (this) {
            // A struck input goes last: the requests that waited beside it run first.
            suspects.add(run);
        }
        pump();
    }

    /**
     * Tells the guard a host died: the attempts it ran are cut; if one ran there alone, or hung, its input caused
     * it and gets a strike.
     */
    public void hostCrashed(HostExit exit) {
        String address = control.address(exit.host());
        List<Attempt> cut = new ArrayList<>();
        synchronized (this) {
            for (Attempt a : inFlight) {
                String at = a.address();
                if (a.crash == null && a.handle != null && (address == null || at == null || address.equals(at))) {
                    cut.add(a);
                }
            }
        }
        // The hang watch names the attempt that hung; otherwise only one that ran alone on the host is named.
        List<Attempt> culprits = exit.hung() ? cut.stream().filter(a -> a.hung).toList() : List.of();
        if (culprits.isEmpty() && cut.size() == 1) {
            culprits = cut;
        }
        for (Attempt a : cut) {
            a.identified = culprits.contains(a);
            a.crash = exit;
        }
        for (Attempt a : culprits) {
            quarantine.strike(a.run.hash, a.run.voice, exit);
        }
        for (Attempt a : cut) {
            a.crashed.complete(exit);
        }
    }

    /** The hang watch: kills a host whose attempt is past its deadline, or whose reports stopped. */
    private void watch() {
        try {
            Map<String, WorkerLoad> loads = control.loads();
            long now = nanoTime();
            List<Attempt> running;
            synchronized (this) {
                running = List.copyOf(inFlight);
            }
            expireWaiting(now);
            // Heartbeats first: a whole host that froze is named for that, not for one of its requests.
            for (String address : control.addresses()) {
                Duration uptime = control.uptime(address);
                WorkerLoad load = loads.get(address);
                // Only a host that reported since it started can have stopped reporting.
                if (uptime != null && load != null && load.reportAge().compareTo(uptime) < 0
                        && load.reportAge().compareTo(hangTimeout) > 0) {
                    control.killHung(address, "its load reports stopped " + load.reportAge().toMillis() + " ms ago");
                }
            }
            Map<String, List<Attempt>> stuck = new java.util.HashMap<>();
            Map<String, String> why = new java.util.HashMap<>();
            for (Attempt a : running) {
                String address = a.address();
                if (a.crash != null || address == null || a.run.done()) {
                    continue;
                }
                if (!a.run.listener.ready()) {
                    a.progressNanos = now;
                    continue;
                }
                Duration deadline = deadline(a, loads.get(address));
                long idle = now - a.progressNanos;
                if (idle > deadline.toNanos()) {
                    stuck.computeIfAbsent(address, k -> new ArrayList<>()).add(a);
                    why.putIfAbsent(address, "a request made no progress for " + TimeUnit.NANOSECONDS.toMillis(idle)
                            + " ms (its deadline: " + deadline.toMillis() + " ms)");
                }
            }
            stuck.forEach((address, attempts) -> {
                // One stuck request among others that progress is the one that hung; several stuck (a request
                // waiting behind the hung one) are suspects, re-run alone to find it.
                Attempt only = attempts.size() == 1 ? attempts.getFirst() : null;
                boolean flagged = only != null && only.hung;
                if (only != null) {
                    only.hung = true;
                }
                // False while the host is being killed already (the flag then stays as the first kill set it).
                if (!control.killHung(address, why.get(address)) && only != null && !flagged) {
                    only.hung = false;
                }
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "engine host hang watch failed", e);
        }
    }

    /**
     * Ends with 503 the requests that waited longer than {@link #RECOVERY_WAIT} for their turn: suspects since they
     * were first cut, held requests since they arrived. Every waiting client gets an answer in bounded time.
     */
    private void expireWaiting(long now) {
        List<GuardedRun> expired = new ArrayList<>();
        synchronized (this) {
            for (var it = suspects.iterator(); it.hasNext(); ) {
                GuardedRun r = it.next();
                if (r.cutAt >= 0 && now - r.cutAt > RECOVERY_WAIT.toNanos()) {
                    it.remove();
                    expired.add(r);
                }
            }
            for (var it = held.iterator(); it.hasNext(); ) {
                GuardedRun r = it.next();
                if (now - r.heldAt > RECOVERY_WAIT.toNanos()) {
                    it.remove();
                    expired.add(r);
                }
            }
        }
        for (GuardedRun r : expired) {
            r.finish(null, new OverloadedException("the engine host is still recovering from a crash after "
                    + RECOVERY_WAIT.toSeconds() + " s; try again shortly", control.restartIn().plusSeconds(2)));
        }
        if (!expired.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "{0} request(s) waited longer than {1} s for an engine host to "
                    + "recover and got 503", expired.size(), RECOVERY_WAIT.toSeconds());
            pump();
        }
    }

    /** Returns how long an attempt may go without progress: the floor, or four times the host's own estimate. */
    private Duration deadline(Attempt a, WorkerLoad load) {
        if (load == null) {
            return hangTimeout;
        }
        double rtf = load.voiceRtf().getOrDefault(a.run.voice, 0.0);
        double audio = a.run.request.request().text().length() * AUDIO_SECONDS_PER_CHAR;
        double estimate = load.backlogSeconds() + rtf * audio;
        Duration derived = Duration.ofMillis((long) (4_000 * estimate));
        return derived.compareTo(hangTimeout) > 0 ? derived : hangTimeout;
    }
}

package dev.chorus.jobs;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.audio.EncoderOptions;
import dev.chorus.audio.WavFiles;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.service.ApiException;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.Caller;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes jobs on this node. Design: {@code jobs.workers} threads each loop claim → make → repeat, sleeping on a
 * signal (woken by a new job, or after a second) when nothing is claimable. A claimed job's runs are made in
 * order; each run's PCM is put in the audio store <em>before</em> the store records the run done, so a recorded
 * run always has its audio, and a crash between the two only repeats that run. A heartbeat renews the lease
 * every third of its length; once it is lost (the job was cancelled, expired, or taken over after a stall) the
 * worker stops at the next run. When every run is recorded, the PCM runs are concatenated (WAV and PCM: byte for
 * byte, so a resumed job equals an uninterrupted one) or encoded once into the requested format.
 */
final class JobRunner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JobRunner.class.getName());
    private static final int ATTEMPTS = 3;
    private static final Duration RUN_WAIT = Duration.ofMinutes(10);
    /** How long one run may keep being refused as busy before it fails (see {@link #synthesize}). */
    private static final Duration OVERLOAD_WAIT = Duration.ofMinutes(30);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private final SpeechService speech;
    private final JobStore store;
    private final AudioStore audio;
    private final JobsConfig config;
    private final EncoderOptions encoderOptions;
    private final Clock clock;
    private final Object signal = new Object();
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chorus-jobs-timer");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledExecutorService notifier = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chorus-jobs-webhooks");
        t.setDaemon(true);
        return t;
    });

    JobRunner(SpeechService speech, JobStore store, AudioStore audio, JobsConfig config, EncoderOptions encoderOptions,
              Clock clock, io.micrometer.core.instrument.MeterRegistry meters) {
        this.meters = meters;
        this.speech = speech;
        this.store = store;
        this.audio = audio;
        this.config = config;
        this.encoderOptions = encoderOptions;
        this.clock = clock;
    }

    void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        for (int i = 0; i < config.workers(); i++) {
            Thread t = new Thread(this::loop, "chorus-job-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        long sweep = config.sweepInterval().toMillis();
        timers.scheduleWithFixedDelay(this::sweep, 0, sweep, TimeUnit.MILLISECONDS);
        Webhooks webhooks = new Webhooks(store, config, clock);
        // Its own thread: a slow receiver must not delay lease renewals.
        notifier.scheduleWithFixedDelay(() -> {
            try {
                webhooks.deliverDue();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "jobs: sending notifications: " + e.getMessage());
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
    }

    void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Returns the key of a job's assembled audio. */
    static String audioKey(Job job) {
        return job.id() + "/audio." + AudioEncoding.parse(job.format()).fileExtension();
    }

    /** Returns the key of a job's speech marks, JSON lines. */
    static String marksKey(Job job) {
        return job.id() + "/marks.jsonl";
    }

    private static String marksKey(String id, int index) {
        return id + "/runs/" + String.format("%06d", index) + ".marks";
    }

    private static String runKey(String id, int index) {
        return id + "/runs/" + String.format("%06d", index) + ".pcm";
    }

    /** Returns the request that makes {@code run}: its text, as PCM at {@code rate} (0: the voice's own). */
    static SpeechInput runInput(SpeechInput job, JobRun run, int rate) {
        return new SpeechInput(job.text().substring(run.start(), run.end()), "input", job.model(), job.voice(),
                job.options(), AudioEncoding.PCM, rate, job.textOptions(), null, false);
    }

    private void loop() {
        while (running.get()) {
            try {
                Optional<JobStore.Claim> claim = store.claim(config.nodeId(), clock.instant(), config.lease());
                if (claim.isPresent()) {
                    make(claim.get());
                    continue;
                }
                synchronized (signal) {
                    signal.wait(1000);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "jobs: " + e.getMessage(), e);
                sleep(1000);
            }
        }
    }

    private void make(JobStore.Claim claim) throws InterruptedException {
        Job job = claim.job();
        String id = job.id();
        AtomicBoolean lost = new AtomicBoolean();
        long every = Math.max(100, config.lease().toMillis() / 3);
        ScheduledFuture<?> heartbeat = timers.scheduleAtFixedRate(() -> {
            try {
                if (!store.renew(id, config.nodeId(), clock.instant(), config.lease())) {
                    lost.set(true);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "jobs: renewing the lease of " + id + ": " + e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            SpeechInput request = JobRequest.read(claim.request());
            Caller caller = new RunCaller(id, JobRequest.contentPolicy(claim.request()),
                    JobRequest.priority(claim.request()), JobRequest.backcheck(claim.request()));
            int rate = job.sampleRate();
            List<JobRun> runs = claim.runs();
            if (rate == 0) {
                PreparedSpeech p = speech.prepare(runInput(request, runs.getFirst(), request.sampleRate()), caller);
                rate = request.encoding().outputRate(request.sampleRate(), p.voice().sampleRate());
            }
            long[] samples = new long[runs.size()];
            for (JobRun run : runs) {
                if (run.done()) {
                    samples[run.index()] = run.samples();
                    continue;
                }
                if (lost.get() || !running.get()) {
                    released(id);
                    return;
                }
                Collector made = synthesize(runInput(request, run, rate), caller);
                byte[] pcm = made.result.join();
                audio.put(marksKey(id, run.index()), RunMarks.write(made.timings, run.start()));
                audio.put(runKey(id, run.index()), pcm);
                samples[run.index()] = pcm.length / 2;
                if (!store.runDone(id, config.nodeId(), run.index(), pcm.length / 2, rate, clock.instant(),
                        config.lease())) {
                    released(id);
                    return;
                }
            }
            String key = audioKey(job);
            int outRate = rate;
            long total = java.util.Arrays.stream(samples).sum();
            audio.write(key, out -> assemble(request.encoding(), outRate, total, runs.size(), id, out));
            long size = audio.size(key).orElseThrow();
            audio.write(marksKey(job), out -> {
                long before = 0;
                for (int i = 0; i < runs.size(); i++) {
                    try (InputStream in = audio.open(marksKey(id, i), 0)) {
                        RunMarks.assemble(in, before, outRate, out);
                    }
                    before += samples[i];
                }
            });
            if (store.succeed(id, config.nodeId(), size, clock.instant())) {
                finished(job, "succeeded");
                audio.deleteAll(id + "/runs/");
                LOG.log(System.Logger.Level.INFO, "jobs: " + id + " succeeded: " + runs.size() + " runs, "
                        + total + " samples at " + rate + " Hz, " + size + " bytes");
            } else {
                released(id);
            }
        } catch (RunFailed | IOException | RuntimeException e) {
            if (!running.get()) {
                return; // Closing: the job stays claimed until its lease expires, then resumes.
            }
            if (JobStore.unavailable(e)) {
                // The store lost its majority: not the job's fault. Its lease expires and it resumes after its last
                // recorded run, here or on another node.
                LOG.log(System.Logger.Level.WARNING, "jobs: " + id + " paused: " + e.getMessage());
                return;
            }
            String why = e instanceof RunFailed ? e.getMessage() : "internal error: " + e;
            LOG.log(System.Logger.Level.WARNING, "jobs: " + id + " failed: " + why);
            if (store.fail(id, config.nodeId(), why, clock.instant())) {
                finished(job, "failed");
                deleteQuietly(id + "/runs/");
            }
        } finally {
            heartbeat.cancel(false);
        }
    }

    private void finished(Job job, String status) {
        if (meters != null) {
            meters.counter("chorus.jobs.finished", "status", status).increment();
            io.micrometer.core.instrument.Timer.builder("chorus.jobs.duration").tag("status", status)
                    .description("From a job's creation to its end").register(meters)
                    .record(Duration.between(job.createdAt(), clock.instant()));
        }
    }

    /** Cleans up after a lost lease: the audio of a job that was cancelled, expired or deleted meanwhile. */
    private void released(String id) {
        Optional<Job> now = store.get(id);
        if (now.isEmpty() || now.get().status() == JobStatus.CANCELLED || now.get().status() == JobStatus.EXPIRED) {
            deleteQuietly(id + "/");
        }
    }

    private void deleteQuietly(String prefix) {
        try {
            audio.deleteAll(prefix);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "jobs: could not delete " + prefix + ": " + e);
        }
    }

    private void assemble(AudioEncoding encoding, int rate, long samples, int runs, String id, OutputStream out)
            throws IOException {
        if (encoding == AudioEncoding.WAV || encoding == AudioEncoding.PCM) {
            if (encoding == AudioEncoding.WAV) {
                out.write(WavFiles.header(rate, samples));
            }
            for (int i = 0; i < runs; i++) {
                try (InputStream in = audio.open(runKey(id, i), 0)) {
                    in.transferTo(out);
                }
            }
            return;
        }
        try (AudioEncoder encoder = AudioEncoder.create(encoding, rate, out, encoderOptions)) {
            byte[] buf = new byte[1 << 16];
            short[] s = new short[buf.length / 2];
            for (int i = 0; i < runs; i++) {
                try (InputStream in = audio.open(runKey(id, i), 0)) {
                    int n;
                    while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                        ByteBuffer.wrap(buf, 0, n & ~1).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s, 0, n / 2);
                        encoder.write(s, 0, n / 2);
                    }
                }
            }
            encoder.finish();
        }
    }

    /** A run that cannot be made, with the reason a user reads in the job. */
    private static final class RunFailed extends Exception {
        RunFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Makes one run. A run refused because the engine is busy (503 or 429 with {@code Retry-After}: admission
     * refuses rather than queues under overload) waits as long as it is told and is asked again, for up to
     * {@link #OVERLOAD_WAIT} in all, without using up one of its {@link #ATTEMPTS}: a job that was accepted is not
     * lost to a burst of interactive traffic. Other failures are tried {@link #ATTEMPTS} times.
     */
    private Collector synthesize(SpeechInput in, Caller caller) throws RunFailed, InterruptedException {
        String last = "";
        long overloadedNanos = 0;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Duration busy = null;
            try {
                PreparedSpeech p = speech.prepare(in, caller);
                Collector out = new Collector();
                SynthesisHandle h = speech.serve(p, caller, out);
                try {
                    out.result.get(RUN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    return out;
                } catch (TimeoutException e) {
                    h.cancel();
                    last = "a sentence run took longer than " + RUN_WAIT.toMinutes() + " minutes";
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InvalidInputException e) {
                throw new RunFailed(e.getMessage());
            } catch (ApiException e) {
                if (e.status() < 500 && e.status() != 429) {
                    throw new RunFailed(e.getMessage());
                }
                last = e.getMessage();
                if (e.status() == 503 || e.status() == 429) {
                    busy = Duration.ofSeconds(Math.max(1, e.retryAfterSeconds()));
                }
            } catch (OverloadedException e) {
                last = e.getMessage();
                busy = e.retryAfter();
            } catch (RuntimeException e) {
                last = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            if (!running.get()) {
                throw new RunFailed("stopped");
            }
            if (busy != null && overloadedNanos < OVERLOAD_WAIT.toNanos()) {
                long wait = Math.clamp(busy.toMillis(), 100, MAX_RETRY_AFTER.toMillis());
                overloadedNanos += wait * 1_000_000;
                attempt--; // A busy refusal does not use up one of the attempts.
                Thread.sleep(wait);
                continue;
            }
            Thread.sleep(1000L * attempt);
        }
        throw new RunFailed(last);
    }

    /** Collects one run's PCM. */
    private static final class Collector implements AudioOutput {
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        final List<Timing> timings = new ArrayList<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void event(Timing t) {
            timings.add(t);
        }

        @Override
        public void audio(byte[] b, long firstSample) {
            bytes.writeBytes(b);
        }

        @Override
        public void complete(byte[] tail, SynthesisSummary summary) {
            bytes.writeBytes(tail);
            result.complete(bytes.toByteArray());
        }

        @Override
        public void error(ChorusException error) {
            result.completeExceptionally(error);
        }
    }

    /**
     * The caller of a job's runs: no tenant (the job was charged to its tenant when it was created), but the
     * tenant's content policy, priority and back-check mode as they were then.
     */
    private record RunCaller(String jobId, Map<String, String> contentPolicy, int priority,
                             dev.chorus.service.backcheck.BackcheckChoice backcheck) implements Caller {
        @Override
        public String requestId() {
            return jobId;
        }
    }

    private void sweep() {
        try {
            for (Job j : store.expiring(clock.instant(), 100)) {
                deleteQuietly(j.id() + "/");
                store.expire(j.id(), clock.instant());
            }
            store.purgeExpired(clock.instant().minus(Jobs.TOMBSTONE));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "jobs: sweeping expired jobs: " + e.getMessage());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        wake();
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timers.shutdownNow();
        notifier.shutdownNow();
    }
}

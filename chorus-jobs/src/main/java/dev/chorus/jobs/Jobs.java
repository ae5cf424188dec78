package dev.chorus.jobs;

import dev.chorus.audio.AudioEncoders;
import dev.chorus.audio.EncoderOptions;
import dev.chorus.service.Admission;
import dev.chorus.service.ApiException;
import dev.chorus.service.Caller;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.ssml.SsmlParser;
import dev.chorus.tts.TextOptions;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Long-form jobs over the speech pipeline: {@link #submit} checks a request, splits it into sentence runs and
 * stores it durably; the runner ({@link #start}) claims jobs from the {@link JobStore}, makes each run through the
 * same {@link SpeechService} as a request, stores its audio in the {@link AudioStore} before recording it, and
 * assembles the result; a sweeper deletes expired jobs and their audio. A tenant sees only its own jobs.
 *
 * <p>Thread-safe: front ends call it from any thread.
 */
public final class Jobs implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Jobs.class.getName());
    private static final SecureRandom IDS = new SecureRandom();

    /** How long an expired job's tombstone answers {@code expired} before it is forgotten. */
    static final Duration TOMBSTONE = Duration.ofDays(1);

    private final SpeechService speech;
    private final JobsConfig config;
    private final JobStore store;
    private final AudioStore audio;
    private final Admission admission;
    private final Clock clock;
    private final int maxRunChars;
    private final JobRunner runner;
    private final boolean ownsAudio;

    private Jobs(Builder b) {
        this.speech = b.speech;
        this.config = b.config;
        this.clock = b.clock;
        this.admission = b.admission;
        this.maxRunChars = b.maxRunChars;
        if (config.runChars() > maxRunChars) {
            throw new IllegalArgumentException("jobs.run-chars: " + config.runChars()
                    + " (expected: <= limits.max-input-chars = " + maxRunChars + ")");
        }
        if (config.store() != JobsConfig.StoreKind.SQLITE && b.store == null && config.storeOpener() == null) {
            throw new IllegalArgumentException("jobs.store: '" + config.store().id()
                    + "' is not available in this build (expected: sqlite)");
        }
        this.store = b.store != null ? b.store : config.storeOpener() != null ? config.storeOpener().open(b.meters)
                : JobStore.sqlite(config.sqliteFile());
        this.audio = b.audio != null ? b.audio : config.s3() != null ? new S3AudioStore(config.s3())
                : AudioStore.directory(config.audioDir());
        this.ownsAudio = b.audio == null;
        if (config.audioDownload().presigned() && !audio.presigns()) {
            store.close();
            throw new IllegalArgumentException("jobs.audio.download: 'presigned' (expected: proxy, as the audio store "
                    + "at " + (b.audio != null ? audio.getClass().getSimpleName() : config.audioLocation())
                    + " hands out no presigned URLs; presigned downloads need an S3 store, jobs.s3.bucket)");
        }
        this.runner = new JobRunner(speech, store, audio, config, b.encoderOptions, clock, b.meters);
        if (b.meters != null) {
            bindGauges(b.meters);
        }
    }

    private void bindGauges(io.micrometer.core.instrument.MeterRegistry r) {
        io.micrometer.core.instrument.Gauge.builder("chorus.jobs.queued", store, st -> st.stats().queued())
                .description("Jobs waiting for a node").register(r);
        io.micrometer.core.instrument.Gauge.builder("chorus.jobs.running", store, st -> st.stats().running())
                .description("Jobs a node is making").register(r);
        io.micrometer.core.instrument.Gauge.builder("chorus.jobs.oldest.queued.age", store, st -> {
            Instant oldest = st.stats().oldestQueued();
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
        }).baseUnit("seconds").description("How long the oldest queued job has waited").register(r);
    }

    /** Returns a builder of jobs that run through {@code speech} with {@code config}. */
    public static Builder builder(SpeechService speech, JobsConfig config) {
        return new Builder(speech, config);
    }

    /** Returns the settings. */
    public JobsConfig config() {
        return config;
    }

    /** Starts making jobs on this node (its {@code jobs.workers}) and sweeping expired ones. */
    public Jobs start() {
        runner.start();
        return this;
    }

    /** The options of a job beyond its speech fields. */
    public record Options(String webhookUrl, Duration ttl, String idempotencyKey) {
    }

    /** A created (or, for a repeated Idempotency-Key, found) job. */
    public record Submitted(Job job, boolean replayed) {
    }

    /**
     * Checks and stores a job for {@code caller}: the input within {@code jobs.max-input-chars}, every run
     * prepared as a request would be (voice, SSML, characters), the tenant's voices, job count and quotas.
     *
     * @throws ApiException 400/404/409/413/429/503 with a message naming what is wrong
     * @throws dev.chorus.tts.InvalidInputException for bad speech fields, naming the field
     */
    public Submitted submit(SpeechInput input, Caller caller, Options options) {
        Objects.requireNonNull(input, "input");
        String tenant = caller.tenant() == null ? "" : caller.tenant();
        String text = input.text();
        if (text.length() > config.maxInputChars()) {
            throw new ApiException(413, "input_too_long", "input", "input: " + text.length()
                    + " characters (expected: at most " + config.maxInputChars() + " for a job, jobs.max-input-chars)");
        }
        if (text.isBlank()) {
            throw ApiException.badRequest("invalid_value", "input", "input: blank (expected: text to speak)");
        }
        AudioEncoders.unavailableReason(input.encoding()).ifPresent(r -> {
            throw ApiException.badRequest("invalid_value", "response_format", "response_format: " + r);
        });
        if (options.webhookUrl() != null) {
            if (config.webhookSecret() == null) {
                throw ApiException.badRequest("unsupported_value", "webhook_url", "webhook_url: this server sends "
                        + "no job notifications (jobs.webhook.key is not set; poll GET /v1/audio/jobs/{id})");
            }
            try {
                Webhooks.checkTarget(options.webhookUrl(), config.webhookAllow());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_value", "webhook_url", e.getMessage());
            }
        }
        Duration ttl = options.ttl() != null ? options.ttl() : config.defaultTtl();
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(config.maxTtl()) > 0) {
            throw ApiException.badRequest("invalid_value", "ttl", "ttl: " + ttl.toSeconds()
                    + " seconds (expected: 60 to " + config.maxTtl().toSeconds() + ", jobs.max-ttl)");
        }
        boolean ssml = input.textOptions().format() == TextOptions.Format.SSML
                || (input.textOptions().format() == TextOptions.Format.AUTO && SsmlParser.looksLikeSsml(text));
        SpeechInput stored = resolvedFormat(input, ssml);
        List<JobRun> runs;
        if (ssml) {
            if (text.length() > maxRunChars) {
                throw new ApiException(413, "input_too_long", "input", "input: an SSML document of "
                        + text.length() + " characters (expected: at most " + maxRunChars + ", limits.max-input-chars;"
                        + " send longer text as plain text, which a job splits into sentences)");
            }
            runs = List.of(JobRun.planned(0, 0, text.length(), 1));
        } else {
            runs = SentenceRuns.split(text, input.options().language(), config.runChars());
        }
        // Every run is checked now, as a request would be, so bad input is refused here rather than failing later.
        PreparedSpeech first = null;
        for (JobRun run : runs) {
            PreparedSpeech p = speech.prepare(JobRunner.runInput(stored, run, stored.sampleRate()),
                    first == null ? caller : Caller.ANONYMOUS);
            if (first == null) {
                first = p;
            }
        }
        input.encoding().outputRate(input.sampleRate(), first.voice().sampleRate());
        admission.checkVoice(caller, input.voice(), first.voice());
        if (store.countJobs(tenant) >= config.maxJobsPerTenant()) {
            throw new ApiException(429, "too_many_jobs", null, "tenant '" + tenant + "' has "
                    + config.maxJobsPerTenant() + " jobs stored (expected: fewer; jobs.max-jobs-per-tenant; delete "
                    + "finished jobs or let them expire)", 60, java.util.Map.of());
        }
        if (store.storedBytes() >= config.maxStoredBytes()) {
            throw new ApiException(503, "job_storage_full", null, "the job audio store holds "
                    + config.maxStoredBytes() + " bytes, its limit (jobs.max-stored-bytes); retry once jobs expire",
                    60, java.util.Map.of());
        }
        String request = JobRequest.write(stored, caller.contentPolicy(), caller.priority(), caller.backcheck());
        String hash = JobRequest.hash(request, options.webhookUrl() + "|" + ttl.toSeconds());
        admission.charge(caller, 0);
        Instant now = clock.instant();
        int sentences = runs.stream().mapToInt(JobRun::sentences).sum();
        Job job = new Job(newId(), tenant, JobStatus.QUEUED, now, now.plus(ttl), input.encoding().id(),
                text.length(), sentences, 0, 0, 0, 0, 0, null, options.webhookUrl(), options.idempotencyKey(), null,
                null);
        JobStore.Created c = store.create(new JobStore.NewJob(job, request, hash, runs));
        if (c.existed() && !hash.equals(c.requestHash())) {
            throw new ApiException(409, "idempotency_key_reused", "Idempotency-Key", "Idempotency-Key: '"
                    + options.idempotencyKey() + "' was used for another request (job " + c.job().id()
                    + "; expected: a new key for a new request)");
        }
        if (!c.existed()) {
            runner.wake();
        }
        return new Submitted(c.job(), c.existed());
    }

    private static SpeechInput resolvedFormat(SpeechInput in, boolean ssml) {
        TextOptions t = in.textOptions();
        TextOptions r = new TextOptions(ssml ? TextOptions.Format.SSML : TextOptions.Format.TEXT, t.normalize(),
                t.lexicon());
        return new SpeechInput(in.text(), in.field(), in.model(), in.voice(), in.options(), in.encoding(),
                in.sampleRate(), r, null, false);
    }

    private static String newId() {
        byte[] b = new byte[15];
        IDS.nextBytes(b);
        return "job_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Returns {@code tenant}'s job {@code id}; another tenant's job is as absent as a missing one. */
    public Optional<Job> get(String tenant, String id) {
        return store.get(id).filter(j -> j.tenant().equals(tenant == null ? "" : tenant));
    }

    /**
     * Returns a page of {@code tenant}'s jobs, newest first.
     *
     * @throws ApiException 400 for a cursor this server did not give, or a limit outside 1 to 100
     */
    public JobStore.Page list(String tenant, String cursor, int limit) {
        if (limit < 1 || limit > 100) {
            throw ApiException.badRequest("invalid_value", "limit", "limit: " + limit + " (expected: 1 to 100)");
        }
        try {
            return store.list(tenant == null ? "" : tenant, cursor, limit);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_value", "cursor", e.getMessage());
        }
    }

    /**
     * Cancels {@code tenant}'s active job {@code id} (its partial audio is deleted), or removes a finished one
     * with its audio.
     *
     * @return the cancelled job, or empty when it was removed
     * @throws ApiException 404 when the tenant has no such job
     */
    public Optional<Job> cancelOrDelete(String tenant, String id) {
        Job job = get(tenant, id).orElseThrow(() -> notFound(id));
        if (job.status().active()) {
            Optional<Job> after = store.cancel(id, clock.instant());
            if (after.isPresent() && after.get().status() == JobStatus.CANCELLED) {
                deleteAudio(id);
                return after;
            }
        }
        store.delete(id);
        deleteAudio(id);
        return Optional.empty();
    }

    /** The assembled audio of a job: where it is and how long. */
    public record Audio(Job job, String key, long size) {
    }

    /**
     * Returns the assembled audio of {@code tenant}'s job {@code id}.
     *
     * @throws ApiException 404 for no such job, 409 when it has not succeeded (naming its status)
     */
    public Audio audio(String tenant, String id) throws IOException {
        Job job = get(tenant, id).orElseThrow(() -> notFound(id));
        if (job.status() != JobStatus.SUCCEEDED) {
            throw new ApiException(409, "job_not_finished", null, "job " + id + " is " + job.status().id()
                    + " (expected: succeeded; audio exists only for a job that succeeded)");
        }
        String key = JobRunner.audioKey(job);
        long size = audio.size(key).orElseThrow(() -> notFound(id));
        return new Audio(job, key, size);
    }

    /**
     * Returns the speech marks of {@code tenant}'s job {@code id}: JSON lines, as the speech route's
     * {@code json_marks}, over the whole input and audio.
     *
     * @throws ApiException 404 for no such job, 409 when it has not succeeded
     */
    public Audio marks(String tenant, String id) throws IOException {
        Audio a = audio(tenant, id);
        String key = JobRunner.marksKey(a.job());
        return new Audio(a.job(), key, audio.size(key).orElseThrow(() -> notFound(id)));
    }

    /**
     * Returns a presigned URL of a succeeded job's audio when downloads are presigned ({@code jobs.audio.download}),
     * valid for {@code jobs.audio.presign-expiry} but never past the job's expiry; empty when the server proxies
     * downloads or the job has not succeeded. Signing is local: it costs no request to the store.
     */
    public Optional<java.net.URI> presignedAudio(Job job) {
        if (!config.audioDownload().presigned() || job.status() != JobStatus.SUCCEEDED) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), job.expireAt());
        Duration valid = left.compareTo(config.audioDownload().validFor()) < 0 ? left
                : config.audioDownload().validFor();
        if (valid.compareTo(Duration.ofSeconds(1)) < 0) {
            return Optional.empty();
        }
        return Optional.of(audio.presignedGet(JobRunner.audioKey(job), valid));
    }

    /** Opens a job's assembled audio (or marks) from byte {@code offset}. */
    public InputStream open(Audio a, long offset) throws IOException {
        return audio.open(a.key(), offset);
    }

    /** Returns the store's figures for a job's progress: its runs. */
    public List<JobRun> runs(String id) {
        return store.runs(id);
    }

    static ApiException notFound(String id) {
        return new ApiException(404, "job_not_found", "id", "job '" + id + "' not found (it may have expired)");
    }

    private void deleteAudio(String id) {
        try {
            audio.deleteAll(id + "/");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "jobs: could not delete the audio of " + id + ": " + e);
        }
    }

    /** Stops the runner (runs in flight end; their jobs resume elsewhere or after a restart) and the store. */
    @Override
    public void close() {
        runner.close();
        store.close();
        if (audio instanceof AutoCloseable c && ownsAudio) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "jobs: closing the audio store: " + e);
            }
        }
    }

    /** Configures {@link Jobs}. */
    public static final class Builder {
        private final SpeechService speech;
        private final JobsConfig config;
        private JobStore store;
        private AudioStore audio;
        private Admission admission = Admission.OPEN;
        private Clock clock = Clock.systemUTC();
        private EncoderOptions encoderOptions = EncoderOptions.defaults();
        private int maxRunChars = 4096;
        private io.micrometer.core.instrument.MeterRegistry meters;

        private Builder(SpeechService speech, JobsConfig config) {
            this.speech = Objects.requireNonNull(speech, "speech");
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Sets the metadata store (default: the SQLite file in the data directory). */
        public Builder store(JobStore s) {
            this.store = Objects.requireNonNull(s, "store");
            return this;
        }

        /** Sets the audio store (default: the jobs' audio directory). */
        public Builder audioStore(AudioStore a) {
            this.audio = Objects.requireNonNull(a, "audioStore");
            return this;
        }

        /** Sets who may create jobs: creation checks the voice and counts as one request (default: open). */
        public Builder admission(Admission a) {
            this.admission = Objects.requireNonNull(a, "admission");
            return this;
        }

        /** Sets the clock of creation times, leases and expiry (default: the system's, UTC). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Sets the encoders' settings for assembled audio (default: {@link EncoderOptions#defaults()}). */
        public Builder encoderOptions(EncoderOptions o) {
            this.encoderOptions = Objects.requireNonNull(o, "encoderOptions");
            return this;
        }

        /** Sets the longest input the speech pipeline takes in one request (limits.max-input-chars). */
        public Builder maxRunChars(int n) {
            if (n < 40) {
                throw new IllegalArgumentException("maxRunChars: " + n + " (expected: >= 40)");
            }
            this.maxRunChars = n;
            return this;
        }

        /**
         * Publishes the jobs' metrics in {@code r}: gauges {@code chorus_jobs_queued}, {@code chorus_jobs_running},
         * {@code chorus_jobs_oldest_queued_age_seconds}; {@code chorus_jobs_finished_total} by status and
         * {@code chorus_jobs_duration_seconds} (creation to end) for the jobs this node finished.
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry r) {
            this.meters = Objects.requireNonNull(r, "meterRegistry");
            return this;
        }

        public Jobs build() {
            return new Jobs(this);
        }
    }
}

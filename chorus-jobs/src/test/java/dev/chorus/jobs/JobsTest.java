package dev.chorus.jobs;

import dev.chorus.audio.WavFiles;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.ApiException;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.OverloadedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jobs over a real speech pipeline and a real SQLite store: runs, resume after a lost node, limits, expiry. */
@Timeout(60)
class JobsTest {

    @TempDir
    Path dir;

    private final WordToneEngine engine = new WordToneEngine();
    private Synthesizer synthesizer;
    private SpeechService speech;
    private final List<Jobs> opened = new ArrayList<>();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void open() {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine)).defaultVoice("word:a").build();
        synthesizer = Synthesizer.builder().registry(registry).build();
        speech = SpeechService.builder(Synthesis.local(synthesizer), new VoiceRouter(registry, Map.of())).build();
    }

    @AfterEach
    void close() {
        opened.forEach(Jobs::close);
        synthesizer.close();
    }

    private Jobs jobs(Path data, String node, Duration lease, Clock c) {
        JobsConfig config = JobsConfig.builder(data).nodeId(node).lease(lease).runChars(200)
                .sweepInterval(Duration.ofMillis(200)).build();
        Jobs j = Jobs.builder(speech, config).clock(c).build();
        opened.add(j);
        return j;
    }

    private static String sentences(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("Sentence number ").append(i).append(" says word").append(i * 7 % 13).append(". ");
        }
        return s.toString();
    }

    private static Caller tenant(String id) {
        return new Caller() {
            @Override
            public String tenant() {
                return id;
            }
        };
    }

    private static SpeechInput input(String text, AudioEncoding encoding) {
        return SpeechInput.of(text, "word:a").withEncoding(encoding);
    }

    private static Job await(Jobs jobs, String tenant, String id, JobStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        Job j = null;
        while (System.nanoTime() < deadline) {
            j = jobs.get(tenant, id).orElseThrow();
            if (j.status() == status) {
                return j;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " is " + (j == null ? null : j.status()) + ", expected " + status
                + (j == null ? "" : " (error: " + j.error() + ")"));
    }

    private static byte[] audio(Jobs jobs, String tenant, String id) throws Exception {
        Jobs.Audio a = jobs.audio(tenant, id);
        try (InputStream in = jobs.open(a, 0)) {
            byte[] b = in.readAllBytes();
            assertThat(b).hasSize((int) a.size());
            return b;
        }
    }

    @Test
    void aLongJobIsSplitIntoSentenceRunsAndAssembledAsOneWav() throws Exception {
        Jobs jobs = jobs(dir, "a", Duration.ofSeconds(30), Clock.systemUTC()).start();
        String text = sentences(200);
        Job job = jobs.submit(input(text, AudioEncoding.WAV), tenant("t1"), new Jobs.Options(null, null, null)).job();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.sentencesTotal()).isEqualTo(200);
        Job done = await(jobs, "t1", job.id(), JobStatus.SUCCEEDED);
        assertThat(done.sentencesDone()).isEqualTo(200);
        assertThat(done.charactersDone()).isGreaterThan(text.length() - 400);
        var wav = WavFiles.read(audio(jobs, "t1", job.id()));
        assertThat(wav.sampleRate()).isEqualTo(WordToneEngine.RATE);
        // Every word of the text is in the audio (at least 5 words a sentence, 40 ms each, numbers spelled out).
        assertThat(wav.samples().length).isGreaterThanOrEqualTo(200 * 5 * WordToneEngine.WORD_SAMPLES)
                .isEqualTo(done.samplesDone());
        assertThat(done.audioSeconds()).isEqualTo(wav.samples().length / (double) WordToneEngine.RATE);
        // The runs are normal-sized requests: about 200 characters each, not one per sentence.
        assertThat(engine.texts.get()).isBetween(200, 400);
    }

    @Test
    void aRunRefusedAsBusyWaitsAndIsAskedAgainWithoutFailingTheJob() throws Exception {
        // The engines refuse the first five runs as busy (more than a run's attempts for other failures), as
        // admission does under a burst of interactive traffic: the job waits each Retry-After and completes.
        AtomicInteger refusals = new AtomicInteger(5);
        Synthesis local = Synthesis.local(synthesizer);
        speech = SpeechService.builder(new Synthesis() {
            @Override
            public SynthesisHandle start(ParsedRequest request, SynthesisListener listener,
                                         SynthesisObserver observer, boolean reuseSentences) {
                if (refusals.getAndDecrement() > 0) {
                    throw new OverloadedException("engine 'word' is busy; retry shortly", Duration.ofMillis(100));
                }
                return local.start(request, listener, observer, reuseSentences);
            }

            @Override
            public long nanoTime() {
                return local.nanoTime();
            }
        }, new VoiceRouter(synthesizer.registry(), Map.of())).build();
        Jobs jobs = jobs(dir, "a", Duration.ofSeconds(30), Clock.systemUTC()).start();
        String id = jobs.submit(input(sentences(3), AudioEncoding.WAV), tenant("t1"),
                new Jobs.Options(null, null, null)).job().id();
        Job done = await(jobs, "t1", id, JobStatus.SUCCEEDED);
        assertThat(refusals.get()).as("every refusal was met").isNegative();
        assertThat(done.sentencesDone()).isEqualTo(3);
        assertThat(WavFiles.read(audio(jobs, "t1", id)).samples().length).isEqualTo(done.samplesDone());
    }

    @Test
    void aJobWhoseNodeDiesResumesOnAnotherAndEqualsAnUninterruptedRunSampleForSample() throws Exception {
        String text = sentences(200);
        // The reference: the same job on its own, uninterrupted.
        Jobs reference = jobs(dir.resolve("ref"), "ref", Duration.ofSeconds(30), Clock.systemUTC()).start();
        String refId = reference.submit(input(text, AudioEncoding.PCM), tenant("t"),
                new Jobs.Options(null, null, null)).job().id();
        await(reference, "t", refId, JobStatus.SUCCEEDED);
        byte[] expected = audio(reference, "t", refId);

        int referenceTexts = engine.texts.get();
        assertThat(reference.runs(refId)).isEmpty(); // A finished job keeps no runs.

        Path shared = dir.resolve("shared");
        engine.delayMillis = 10;
        Jobs first = jobs(shared, "node-1", Duration.ofSeconds(1), Clock.systemUTC()).start();
        String id = first.submit(input(text, AudioEncoding.PCM), tenant("t"), new Jobs.Options(null, null, null))
                .job().id();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (first.get("t", id).orElseThrow().sentencesDone() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        first.close(); // The node goes away mid-job: its lease stays until it expires.
        int firstTexts = engine.texts.get() - referenceTexts;
        engine.delayMillis = 0;
        Jobs second = jobs(shared, "node-2", Duration.ofSeconds(1), Clock.systemUTC()).start();
        Job halfway = second.get("t", id).orElseThrow();
        assertThat(halfway.sentencesDone()).isBetween(100, 199);
        assertThat(halfway.status()).isEqualTo(JobStatus.RUNNING);
        Job done = await(second, "t", id, JobStatus.SUCCEEDED);
        assertThat(done.sentencesDone()).isEqualTo(200);
        int secondTexts = engine.texts.get() - referenceTexts - firstTexts;
        // The second node made only what was left: at most the run in flight was made twice.
        assertThat(secondTexts).isLessThan(referenceTexts * 2 / 3);
        assertThat(firstTexts + secondTexts).isLessThanOrEqualTo(referenceTexts + 15);
        assertThat(audio(second, "t", id)).isEqualTo(expected);
    }

    @Test
    void anIdempotencyKeyGivesTheSameJobForTheSameRequestAndRefusesAnother() {
        Jobs jobs = jobs(dir, "a", Duration.ofSeconds(30), Clock.systemUTC());
        Jobs.Options key = new Jobs.Options(null, null, "key-1");
        Jobs.Submitted a = jobs.submit(input("Hello there. Bye.", AudioEncoding.MP3), tenant("t"), key);
        Jobs.Submitted b = jobs.submit(input("Hello there. Bye.", AudioEncoding.MP3), tenant("t"), key);
        assertThat(a.replayed()).isFalse();
        assertThat(b.replayed()).isTrue();
        assertThat(b.job().id()).isEqualTo(a.job().id());
        // Another tenant's same key is its own.
        assertThat(jobs.submit(input("Hello there. Bye.", AudioEncoding.MP3), tenant("u"), key).job().id())
                .isNotEqualTo(a.job().id());
        assertThatThrownBy(() -> jobs.submit(input("Something else.", AudioEncoding.MP3), tenant("t"), key))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("Idempotency-Key", a.job().id());
                });
        assertThat(jobs.list("t", null, 10).jobs()).hasSize(1);
    }

    @Test
    void aTenantSeesOnlyItsOwnJobsPageByPage() {
        Jobs jobs = jobs(dir, "a", Duration.ofSeconds(30), clock);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            now.set(now.get().plusSeconds(1));
            ids.add(jobs.submit(input("Job " + i + ".", AudioEncoding.WAV), tenant("t"),
                    new Jobs.Options(null, null, null)).job().id());
        }
        jobs.submit(input("Other.", AudioEncoding.WAV), tenant("u"), new Jobs.Options(null, null, null));
        JobStore.Page p1 = jobs.list("t", null, 2);
        JobStore.Page p2 = jobs.list("t", p1.nextCursor(), 2);
        JobStore.Page p3 = jobs.list("t", p2.nextCursor(), 2);
        List<String> seen = new ArrayList<>();
        for (JobStore.Page p : List.of(p1, p2, p3)) {
            p.jobs().forEach(j -> seen.add(j.id()));
        }
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
        assertThat(p3.nextCursor()).isNull();
        assertThat(jobs.get("u", ids.getFirst())).isEmpty();
        assertThatThrownBy(() -> jobs.cancelOrDelete("u", ids.getFirst()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> jobs.list("t", "garbage!", 2))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("cursor"));
    }

    @Test
    void limitsAreEnforcedWithClearErrors() {
        JobsConfig config = JobsConfig.builder(dir).maxInputChars(500).maxJobsPerTenant(2).runChars(200).build();
        Jobs jobs = Jobs.builder(speech, config).maxRunChars(300).build();
        opened.add(jobs);
        assertThatThrownBy(() -> jobs.submit(input(sentences(30), AudioEncoding.WAV), tenant("t"),
                new Jobs.Options(null, null, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("jobs.max-input-chars", "500");
                });
        String ssml = "<speak>" + "Hello there. ".repeat(30) + "</speak>";
        assertThatThrownBy(() -> jobs.submit(input(ssml, AudioEncoding.WAV), tenant("t"),
                new Jobs.Options(null, null, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("SSML", "300"));
        assertThatThrownBy(() -> jobs.submit(input("Hi.", AudioEncoding.WAV), tenant("t"),
                new Jobs.Options(null, Duration.ofSeconds(5), null)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("ttl"));
        assertThatThrownBy(() -> jobs.submit(SpeechInput.of("Hi.", "nobody:x"), tenant("t"),
                new Jobs.Options(null, null, null))).hasMessageContaining("nobody:x");
        jobs.submit(input("One.", AudioEncoding.WAV), tenant("t"), new Jobs.Options(null, null, null));
        jobs.submit(input("Two.", AudioEncoding.WAV), tenant("t"), new Jobs.Options(null, null, null));
        assertThatThrownBy(() -> jobs.submit(input("Three.", AudioEncoding.WAV), tenant("t"),
                new Jobs.Options(null, null, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.getMessage()).contains("jobs.max-jobs-per-tenant");
                });
    }

    @Test
    void expiryDeletesTheJobsAudioAndCancelStopsAJob() throws Exception {
        Jobs jobs = jobs(dir, "a", Duration.ofSeconds(30), clock).start();
        String id = jobs.submit(input("Short one.", AudioEncoding.MP3), tenant("t"),
                new Jobs.Options(null, Duration.ofMinutes(5), null)).job().id();
        await(jobs, "t", id, JobStatus.SUCCEEDED);
        assertThat(audio(jobs, "t", id)).isNotEmpty();
        assertThat(Files.exists(dir.resolve("jobs-audio").resolve(id))).isTrue();
        now.set(now.get().plus(Duration.ofMinutes(6)));
        await(jobs, "t", id, JobStatus.EXPIRED);
        assertThat(Files.exists(dir.resolve("jobs-audio").resolve(id))).isFalse();
        assertThatThrownBy(() -> jobs.audio("t", id))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));

        engine.delayMillis = 50;
        String longId = jobs.submit(input(sentences(100), AudioEncoding.WAV), tenant("t"),
                new Jobs.Options(null, null, null)).job().id();
        Optional<Job> cancelled = jobs.cancelOrDelete("t", longId);
        assertThat(cancelled).hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(JobStatus.CANCELLED));
        engine.delayMillis = 0;
        Thread.sleep(300);
        assertThat(jobs.get("t", longId).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(jobs.cancelOrDelete("t", longId)).isEmpty();
        assertThat(jobs.get("t", longId)).isEmpty();
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsNamedInTheError() {
        assertThatThrownBy(() -> JobStore.sqlite(Path.of("/proc/no-such-chorus-dir/jobs.db")))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage()).startsWith("data.dir: cannot create")
                        .contains("/proc/no-such-chorus-dir"));
    }
}

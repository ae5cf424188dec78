package dev.chorus.jobs;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import dev.chorus.tts.AudioEncoding;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 audio store against a real S3-compatible server (s3proxy with its filesystem backend) on loopback, with
 * credentials found by the AWS SDK's default provider chain (here its system properties).
 */
@Timeout(60)
class S3AudioStoreTest {

    @TempDir
    static Path dir;
    private static S3Proxy proxy;
    private static BlobStoreContext blobs;
    private static URI endpoint;

    @BeforeAll
    static void start() throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.resolve("s3").toString());
        blobs = ContextBuilder.newBuilder("filesystem").overrides(p).build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "audio");
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "chorus-test", "chorus-test-secret-key").build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        System.setProperty("aws.accessKeyId", "chorus-test");
        System.setProperty("aws.secretAccessKey", "chorus-test-secret-key");
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (proxy != null) {
            proxy.stop();
        }
        if (blobs != null) {
            blobs.close();
        }
    }

    private static AudioStore store(String prefix) {
        return AudioStore.s3("audio", prefix, endpoint, "us-east-1", true);
    }

    @Test
    void objectsAreStoredReadFromAnOffsetAndDeletedByPrefix() throws Exception {
        AudioStore s = store("t1");
        s.put("job-a/runs/000000.pcm", "hello".getBytes(StandardCharsets.UTF_8));
        s.write("job-a/audio.wav", out -> out.write(new byte[200_000]));
        s.put("job-b/audio.mp3", new byte[] {1, 2, 3});
        assertThat(s.size("job-a/audio.wav")).hasValue(200_000);
        assertThat(s.size("job-a/none")).isEmpty();
        try (InputStream in = s.open("job-a/runs/000000.pcm", 2)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("llo");
        }
        s.deleteAll("job-a/");
        assertThat(s.size("job-a/audio.wav")).isEmpty();
        assertThat(s.size("job-a/runs/000000.pcm")).isEmpty();
        assertThat(s.size("job-b/audio.mp3")).hasValue(3);
        // The prefix keeps stores apart in one bucket.
        assertThat(store("t2").size("job-b/audio.mp3")).isEmpty();
    }

    @Test
    void aJobKeepsItsRunsAndAudioInTheBucketAndDeletingItRemovesThem() throws Exception {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new WordToneEngine()))
                .defaultVoice("word:a").build();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build()) {
            SpeechService speech = SpeechService.builder(Synthesis.local(synthesizer),
                    new VoiceRouter(registry, Map.of())).build();
            AudioStore s3 = store("jobs");
            JobsConfig config = JobsConfig.builder(dir.resolve("data")).runChars(60)
                    .s3("audio", "jobs", endpoint, "us-east-1", true).build();
            assertThat(config.audioLocation()).isEqualTo("s3://audio/jobs/");
            try (Jobs jobs = Jobs.builder(speech, config).build().start()) {
                String id = jobs.submit(SpeechInput.of("One sentence here. Another one there. And a third.", "word:a")
                        .withEncoding(AudioEncoding.WAV), Caller.ANONYMOUS, new Jobs.Options(null, null, null))
                        .job().id();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (jobs.get(null, id).orElseThrow().status() != JobStatus.SUCCEEDED
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Jobs.Audio a = jobs.audio(null, id);
                assertThat(s3.size(id + "/audio.wav")).hasValue(a.size());
                try (InputStream in = jobs.open(a, 0)) {
                    byte[] wav = in.readAllBytes();
                    assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
                    assertThat(dev.chorus.audio.WavFiles.read(wav).samples().length)
                            .isEqualTo(9 * WordToneEngine.WORD_SAMPLES);
                }
                // Removed just after the job is recorded as succeeded (before, a crash could lose them unassembled).
                long removed = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (s3.size(id + "/runs/000000.pcm").isPresent() && System.nanoTime() < removed) {
                    Thread.sleep(20);
                }
                assertThat(s3.size(id + "/runs/000000.pcm")).as("runs are removed once assembled").isEmpty();
                assertThat(jobs.cancelOrDelete(null, id)).isEmpty();
                assertThat(s3.size(id + "/audio.wav")).isEmpty();
                assertThat(s3.size(id + "/marks.jsonl")).isEmpty();
            }
        }
    }
}

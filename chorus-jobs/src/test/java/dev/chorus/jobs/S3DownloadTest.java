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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Virtual-host addressing ({@code bucket.localhost:PORT}) and presigned downloads against a real S3-compatible
 * server (s3proxy, filesystem backend, told its virtual-host domain) on loopback. {@code *.localhost} resolves to
 * loopback through {@link LocalhostResolverProvider}; the presigned URLs are fetched by a plain HTTP client that
 * holds no credentials.
 */
@Timeout(60)
class S3DownloadTest {

    private static final Pattern EXPIRES = Pattern.compile("[?&]X-Amz-Expires=(\\d+)");

    @TempDir
    static Path dir;
    private static S3Proxy proxy;
    private static BlobStoreContext blobs;
    /** The endpoint as users write it; the SDK puts the bucket in front of its host. */
    private static URI endpoint;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.resolve("s3").toString());
        blobs = ContextBuilder.newBuilder("filesystem").overrides(p).build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "audio");
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .virtualHost("localhost")
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "chorus-test", "chorus-test-secret-key").build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        endpoint = URI.create("http://localhost:" + proxy.getPort());
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

    private static HttpResponse<byte[]> get(URI uri, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void virtualHostAddressingPutsTheBucketInTheHostName() throws Exception {
        AudioStore s = AudioStore.s3("audio", "vh", endpoint, "us-east-1", false);
        s.put("job-v/runs/000000.pcm", "hello".getBytes(StandardCharsets.UTF_8));
        s.write("job-v/audio.wav", out -> out.write(new byte[100_000]));
        assertThat(s.size("job-v/audio.wav")).hasValue(100_000);
        try (InputStream in = s.open("job-v/runs/000000.pcm", 1)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ello");
        }
        // The objects are in the bucket the host name named.
        assertThat(blobs.getBlobStore().blobExists("audio", "vh/job-v/audio.wav")).isTrue();
        URI presigned = s.presignedGet("job-v/runs/000000.pcm", Duration.ofMinutes(1));
        assertThat(presigned.getHost()).isEqualTo("audio.localhost");
        assertThat(presigned.getPath()).isEqualTo("/vh/job-v/runs/000000.pcm");
        HttpResponse<byte[]> fetched = get(presigned, null);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        s.deleteAll("job-v/");
        assertThat(s.size("job-v/audio.wav")).isEmpty();
        assertThat(blobs.getBlobStore().blobExists("audio", "vh/job-v/audio.wav")).isFalse();
        // A bucket that does not exist is refused by the store, not silently written elsewhere.
        AudioStore missing = AudioStore.s3("nobucket", "", endpoint, "us-east-1", false);
        assertThatThrownBy(() -> missing.put("x", new byte[1])).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("s3://nobucket/");
    }

    @Test
    void aPresignedUrlServesTheJobsAudioAndRangesToAClientWithoutCredentials() throws Exception {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new WordToneEngine()))
                .defaultVoice("word:a").build();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build()) {
            SpeechService speech = SpeechService.builder(Synthesis.local(synthesizer),
                    new VoiceRouter(registry, Map.of())).build();
            JobsConfig config = JobsConfig.builder(dir.resolve("data")).runChars(60)
                    .s3("audio", "jobs", endpoint, "us-east-1", false)
                    .audioDownload(AudioDownload.presigned(Duration.ofMinutes(5))).build();
            try (Jobs jobs = Jobs.builder(speech, config).build().start()) {
                Job queued = submit(jobs, Duration.ofHours(1));
                assertThat(jobs.presignedAudio(queued)).as("no URL before the audio exists").isEmpty();
                Job job = awaitSuccess(jobs, queued.id());
                Jobs.Audio a = jobs.audio(null, job.id());
                byte[] proxied;
                try (InputStream in = jobs.open(a, 0)) {
                    proxied = in.readAllBytes();
                }
                assertThat(proxied.length).isGreaterThan(2000);

                URI url = jobs.presignedAudio(job).orElseThrow();
                assertThat(url.getHost()).isEqualTo("audio.localhost");
                assertThat(url.getRawQuery()).contains("X-Amz-Signature=", "X-Amz-Credential=");
                assertThat(expires(url)).isEqualTo(300);
                HttpResponse<byte[]> whole = get(url, null);
                assertThat(whole.statusCode()).isEqualTo(200);
                assertThat(whole.body()).isEqualTo(proxied);
                HttpResponse<byte[]> part = get(url, "bytes=100-1099");
                assertThat(part.statusCode()).isEqualTo(206);
                assertThat(part.headers().firstValue("content-range")).hasValue("bytes 100-1099/" + proxied.length);
                assertThat(part.body()).isEqualTo(Arrays.copyOfRange(proxied, 100, 1100));
                // The signature covers the object: another key with the same query is refused.
                URI other = URI.create(url.toString().replace("/audio.wav?", "/marks.jsonl?"));
                assertThat(get(other, null).statusCode()).isEqualTo(403);

                // A URL never outlives its job.
                Job shortLived = awaitSuccess(jobs, submit(jobs, Duration.ofSeconds(120)).id());
                assertThat(expires(jobs.presignedAudio(shortLived).orElseThrow())).isBetween(100L, 120L);
            }
        }
    }

    @Test
    void presignedDownloadsNeedAnObjectStore() throws Exception {
        JobsConfig config = JobsConfig.builder(dir.resolve("dir-data"))
                .audioDownload(AudioDownload.presigned(Duration.ofMinutes(5))).build();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new WordToneEngine()))
                .defaultVoice("word:a").build();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build()) {
            SpeechService speech = SpeechService.builder(Synthesis.local(synthesizer),
                    new VoiceRouter(registry, Map.of())).build();
            assertThatThrownBy(() -> Jobs.builder(speech, config).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("jobs.audio.download: 'presigned'", "jobs.s3.bucket");
        }
        assertThatThrownBy(() -> AudioDownload.presigned(Duration.ofDays(8)))
                .hasMessageContaining("jobs.audio.presign-expiry", "168h");
        assertThatThrownBy(() -> AudioDownload.Mode.parse("direct")).hasMessageContaining("proxy or presigned");
    }

    private static Job submit(Jobs jobs, Duration ttl) {
        return jobs.submit(SpeechInput.of("One sentence here. Another one there. And a third.", "word:a")
                .withEncoding(AudioEncoding.WAV), Caller.ANONYMOUS, new Jobs.Options(null, ttl, null)).job();
    }

    private static Job awaitSuccess(Jobs jobs, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Job j = jobs.get(null, id).orElseThrow();
        while (j.status() != JobStatus.SUCCEEDED && System.nanoTime() < deadline) {
            Thread.sleep(20);
            j = jobs.get(null, id).orElseThrow();
        }
        assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED);
        return j;
    }

    private static long expires(URI url) {
        Matcher m = EXPIRES.matcher(url.getRawQuery().startsWith("?") ? url.getRawQuery() : "?" + url.getRawQuery());
        assertThat(m.find()).as(url.toString()).isTrue();
        return Long.parseLong(m.group(1));
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.audio.WavFiles;
import dev.chorus.jobs.AudioDownload;
import dev.chorus.jobs.JobsConfig;
import dev.chorus.proto.tts.v1.GetJobRequest;
import dev.chorus.proto.tts.v1.JobAudioChunk;
import dev.chorus.proto.tts.v1.JobsGrpc;
import dev.chorus.proto.tts.v1.ReadJobAudioRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
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

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presigned downloads ({@code jobs.audio.download: presigned}) with the S3 audio store on a real S3-compatible
 * server (s3proxy, filesystem backend) on loopback: the job's {@code audio_url} is a presigned URL, the audio route
 * redirects to it, and a plain HTTP client without credentials gets from the store the same bytes and ranges the
 * server proxies over gRPC.
 */
@Timeout(60)
class JobsPresignedDownloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_A = "sk-presigned-tenant-a-012345";
    private static final String KEY_B = "sk-presigned-tenant-b-012345";

    @TempDir
    static Path dir;
    private static S3Proxy proxy;
    private static BlobStoreContext blobs;
    private static URI endpoint;
    private static TenantServer server;
    private static ManagedChannel channel;
    /** A client that knows nothing of the server: no key, and it follows no redirects by itself. */
    private static final HttpClient PLAIN = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        // Credentials as the AWS SDK's default provider chain finds them (its system properties here).
        System.setProperty("aws.accessKeyId", "chorus-test");
        System.setProperty("aws.secretAccessKey", "chorus-test-secret-key");
        Path tenants = dir.resolve("tenants.yaml");
        TenantServer.write(tenants, new TenantServer.Spec("a", KEY_A, ""), new TenantServer.Spec("b", KEY_B, ""));
        server = new TenantServer(tenants, c -> c.jobs(JobsConfig.builder(dir.resolve("data")).runChars(120)
                .s3("audio", "srv", endpoint, "us-east-1", true)
                .audioDownload(AudioDownload.presigned(Duration.ofMinutes(10))).build()));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (proxy != null) {
            proxy.stop();
        }
        if (blobs != null) {
            blobs.close();
        }
    }

    private static JobsGrpc.JobsBlockingStub grpc() {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY_A);
        return JobsGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** Returns the audio as the server proxies it: gRPC's ReadJobAudio. */
    private static byte[] proxied(String id, long offset, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Iterator<JobAudioChunk> it = grpc().readJobAudio(ReadJobAudioRequest.newBuilder().setId(id)
                .setOffset(offset).setLength(length).build());
        it.forEachRemaining(c -> out.writeBytes(c.getData().toByteArray()));
        return out.toByteArray();
    }

    private static HttpResponse<byte[]> plainGet(String url, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return PLAIN.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theAudioUrlIsPresignedTheRouteRedirectsAndTheStoreServesTheSameBytesAndRanges() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            text.append("This is line ").append(i + 1).append(". ");
        }
        HttpResponse<byte[]> created = server.send(HttpRequest.newBuilder(server.uri("/v1/audio/jobs"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY_A)
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(text.toString())
                        + ",\"voice\":\"paced:tone\",\"response_format\":\"wav\"}")).build());
        assertThat(created.statusCode()).as(new String(created.body())).isEqualTo(202);
        String id = JSON.readTree(created.body()).get("id").asText();
        JsonNode job = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            job = JSON.readTree(server.get("/v1/audio/jobs/" + id, KEY_A).body());
            if (job.get("status").asText().equals("succeeded")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(job.get("status").asText()).isEqualTo("succeeded");

        String url = job.get("audio_url").asText();
        assertThat(url).startsWith(endpoint + "/audio/srv/" + id + "/audio.wav?")
                .contains("X-Amz-Expires=600", "X-Amz-Signature=");
        assertThat(grpc().getJob(GetJobRequest.newBuilder().setId(id).build()).getAudioUrl())
                .startsWith(endpoint + "/audio/srv/" + id + "/audio.wav?");

        HttpResponse<byte[]> redirect = server.get("/v1/audio/jobs/" + id + "/audio", KEY_A);
        assertThat(redirect.statusCode()).isEqualTo(307);
        assertThat(redirect.headers().firstValue("cache-control")).hasValue("no-store");
        String location = redirect.headers().firstValue("location").orElseThrow();
        assertThat(location).startsWith(endpoint + "/audio/srv/" + id + "/audio.wav?");

        byte[] viaServer = proxied(id, 0, 0);
        HttpResponse<byte[]> whole = plainGet(location, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(viaServer);
        assertThat(whole.body().length).isEqualTo(job.get("audio_bytes").asLong());
        assertThat(WavFiles.read(whole.body()).samples().length)
                .isGreaterThanOrEqualTo(10 * 4 * PacedEngineProvider.RATE / 10);
        HttpResponse<byte[]> part = plainGet(url, "bytes=10-4009");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(proxied(id, 10, 4000));

        // Another tenant learns nothing, not even a redirect.
        assertThat(server.get("/v1/audio/jobs/" + id + "/audio", KEY_B).statusCode()).isEqualTo(404);
        // Once the job is removed, its URL fetches nothing.
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/v1/audio/jobs/" + id))
                .header("Authorization", "Bearer " + KEY_A).DELETE().build()).statusCode()).isEqualTo(204);
        assertThat(plainGet(location, null).statusCode()).isEqualTo(404);
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.jobs.JobsConfig;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.CreateJobRequest;
import dev.chorus.proto.tts.v1.CreateJobResponse;
import dev.chorus.proto.tts.v1.DeleteJobRequest;
import dev.chorus.proto.tts.v1.DeleteJobResponse;
import dev.chorus.proto.tts.v1.GetJobRequest;
import dev.chorus.proto.tts.v1.JobAudioChunk;
import dev.chorus.proto.tts.v1.JobStatus;
import dev.chorus.proto.tts.v1.JobsGrpc;
import dev.chorus.proto.tts.v1.ListJobsRequest;
import dev.chorus.proto.tts.v1.ListJobsResponse;
import dev.chorus.proto.tts.v1.ReadJobAudioRequest;
import dev.chorus.proto.tts.v1.SpeechJob;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code chorus.tts.v1.Jobs} against a real server with tenants, through grpc-java and through its HTTP/JSON
 * transcoding: the same jobs, checks and errors as the REST routes.
 */
@Timeout(90)
class JobsGrpcTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_A = "sk-grpc-jobs-tenant-a-012345";
    private static final String KEY_B = "sk-grpc-jobs-tenant-b-012345";
    private static final String KEY_SLOW = "sk-grpc-jobs-tenant-slow-0123";

    @TempDir
    static Path dir;
    private static TenantServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Path tenants = dir.resolve("tenants.yaml");
        TenantServer.write(tenants, new TenantServer.Spec("a", KEY_A, ""), new TenantServer.Spec("b", KEY_B, ""),
                new TenantServer.Spec("slow", KEY_SLOW, "limits: {requests-per-second: 1}"));
        server = new TenantServer(tenants, c -> c.jobs(JobsConfig.builder(dir.resolve("data")).runChars(120)
                .maxInputChars(1_000_000).build()));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    private static JobsGrpc.JobsBlockingStub stub(String key) {
        Metadata m = new Metadata();
        if (key != null) {
            m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        }
        return JobsGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static String text(int sentences) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            s.append("This is line ").append(i + 1).append(". ");
        }
        return s.toString();
    }

    private static CreateJobRequest request(String text, AudioFormat format) {
        return CreateJobRequest.newBuilder().setSpeech(SynthesizeRequest.newBuilder().setText(text)
                .setVoice("paced:tone").setFormat(format)).build();
    }

    private static SpeechJob await(String key, String id, JobStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SpeechJob j = null;
        while (System.nanoTime() < deadline) {
            j = stub(key).getJob(GetJobRequest.newBuilder().setId(id).build());
            if (j.getStatus() == status) {
                return j;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + ": " + j);
    }

    private static byte[] read(String key, ReadJobAudioRequest r, List<JobAudioChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Iterator<JobAudioChunk> it = stub(key).readJobAudio(r);
        while (it.hasNext()) {
            JobAudioChunk c = it.next();
            assertThat(c.getOffset()).as("chunks come in order").isEqualTo(r.getOffset() + out.size());
            out.writeBytes(c.getData().toByteArray());
            chunks.add(c);
        }
        return out.toByteArray();
    }

    private static HttpResponse<byte[]> http(String key, HttpRequest.Builder b) throws Exception {
        return server.send(b.header("Authorization", "Bearer " + key).build());
    }

    @Test
    void aJobMadeOverGrpcStreamsTheSameAudioAsTheRestRouteWithRanges() throws Exception {
        CreateJobResponse created = stub(KEY_A).createJob(request(text(40), AudioFormat.AUDIO_FORMAT_WAV).toBuilder()
                .setTtlSeconds(3600).setIdempotencyKey("grpc-order-1").build());
        assertThat(created.getReplayed()).isFalse();
        String id = created.getJob().getId();
        assertThat(created.getJob().getExpireAt() - created.getJob().getCreatedAt()).isEqualTo(3600);
        // A retry with the same key answers the same job; the key with another request is refused.
        CreateJobResponse again = stub(KEY_A).createJob(request(text(40), AudioFormat.AUDIO_FORMAT_WAV).toBuilder()
                .setTtlSeconds(3600).setIdempotencyKey("grpc-order-1").build());
        assertThat(again.getReplayed()).isTrue();
        assertThat(again.getJob().getId()).isEqualTo(id);
        assertThatThrownBy(() -> stub(KEY_A).createJob(request("Something else.", AudioFormat.AUDIO_FORMAT_WAV)
                .toBuilder().setIdempotencyKey("grpc-order-1").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                    assertThat(e.getStatus().getDescription()).contains("grpc-order-1", id);
                });

        SpeechJob done = await(KEY_A, id, JobStatus.JOB_STATUS_SUCCEEDED);
        assertThat(done.getProgress().getSentencesTotal()).isEqualTo(40);
        assertThat(done.getProgress().getSentencesDone()).isEqualTo(40);
        assertThat(done.getAudioUrl()).isEqualTo("/v1/audio/jobs/" + id + "/audio");

        List<JobAudioChunk> chunks = new ArrayList<>();
        byte[] streamed = read(KEY_A, ReadJobAudioRequest.newBuilder().setId(id).build(), chunks);
        HttpResponse<byte[]> rest = server.get(done.getAudioUrl(), KEY_A);
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(streamed).isEqualTo(rest.body());
        assertThat(streamed.length).isEqualTo(done.getAudioBytes()).isGreaterThan(2 * 65_536);
        assertThat(chunks).hasSizeGreaterThan(2).allSatisfy(c -> {
            assertThat(c.getData().size()).isLessThanOrEqualTo(65_536);
            assertThat(c.getTotalBytes()).isEqualTo(streamed.length);
            assertThat(c.getFormat()).isEqualTo(AudioFormat.AUDIO_FORMAT_WAV);
        });
        Wav wav = WavFiles.read(streamed);
        assertThat(wav.samples().length).isGreaterThanOrEqualTo(40 * 4 * PacedEngineProvider.RATE / 10);

        // A byte range, as Range: bytes=1000-70999 over HTTP.
        byte[] part = read(KEY_A, ReadJobAudioRequest.newBuilder().setId(id).setOffset(1000).setLength(70_000)
                .build(), new ArrayList<>());
        HttpResponse<byte[]> ranged = http(KEY_A, HttpRequest.newBuilder(server.uri(done.getAudioUrl()))
                .header("Range", "bytes=1000-70999").GET());
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(part).isEqualTo(ranged.body()).isEqualTo(Arrays.copyOfRange(streamed, 1000, 71_000));
        byte[] tail = read(KEY_A, ReadJobAudioRequest.newBuilder().setId(id).setOffset(streamed.length - 10)
                .setLength(1000).build(), new ArrayList<>());
        assertThat(tail).isEqualTo(Arrays.copyOfRange(streamed, streamed.length - 10, streamed.length));
        assertThatThrownBy(() -> read(KEY_A, ReadJobAudioRequest.newBuilder().setId(id)
                .setOffset(streamed.length).build(), new ArrayList<>()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE));

        // Another tenant sees nothing of it.
        for (Runnable call : List.<Runnable>of(
                () -> stub(KEY_B).getJob(GetJobRequest.newBuilder().setId(id).build()),
                () -> stub(KEY_B).deleteJob(DeleteJobRequest.newBuilder().setId(id).build()),
                () -> read(KEY_B, ReadJobAudioRequest.newBuilder().setId(id).build(), new ArrayList<>()))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        }
        assertThat(stub(KEY_B).listJobs(ListJobsRequest.newBuilder().setPageSize(100).build()).getJobsList())
                .extracting(SpeechJob::getId).doesNotContain(id);

        // Removing a finished job removes its audio.
        DeleteJobResponse removed = stub(KEY_A).deleteJob(DeleteJobRequest.newBuilder().setId(id).build());
        assertThat(removed.getRemoved()).isTrue();
        assertThat(server.get(done.getAudioUrl(), KEY_A).statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> stub(KEY_A).getJob(GetJobRequest.newBuilder().setId(id).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aMillionCharacterJobIsAcceptedPagedAndCancelled() throws Exception {
        String sentence = "Long form reading goes on and on here. ";
        String input = sentence.repeat(1_000_000 / sentence.length()) + "x".repeat(1_000_000 % sentence.length());
        SpeechJob job = stub(KEY_B).createJob(request(input, AudioFormat.AUDIO_FORMAT_MP3)).getJob();
        assertThat(job.getProgress().getCharactersTotal()).isEqualTo(1_000_000);
        assertThat(job.getProgress().getSentencesTotal()).isGreaterThan(25_000);
        assertThatThrownBy(() -> read(KEY_B, ReadJobAudioRequest.newBuilder().setId(job.getId()).build(),
                new ArrayList<>())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("expected: succeeded");
                });
        List<String> made = new ArrayList<>(List.of(job.getId()));
        for (int i = 0; i < 3; i++) {
            made.add(stub(KEY_B).createJob(request("Job " + i + ".", AudioFormat.AUDIO_FORMAT_PCM)).getJob().getId());
        }
        List<String> listed = new ArrayList<>();
        String token = "";
        for (int page = 0; page < 20; page++) {
            ListJobsResponse r = stub(KEY_B).listJobs(ListJobsRequest.newBuilder().setPageSize(2)
                    .setPageToken(token).build());
            assertThat(r.getJobsCount()).isLessThanOrEqualTo(2);
            r.getJobsList().forEach(j -> listed.add(j.getId()));
            token = r.getNextPageToken();
            if (token.isEmpty()) {
                break;
            }
        }
        assertThat(listed).containsAll(made).doesNotHaveDuplicates();

        DeleteJobResponse cancelled = stub(KEY_B).deleteJob(DeleteJobRequest.newBuilder().setId(job.getId()).build());
        assertThat(cancelled.getRemoved()).isFalse();
        assertThat(cancelled.getJob().getStatus()).isEqualTo(JobStatus.JOB_STATUS_CANCELLED);
        assertThat(stub(KEY_B).getJob(GetJobRequest.newBuilder().setId(job.getId()).build()).getStatus())
                .isEqualTo(JobStatus.JOB_STATUS_CANCELLED);

        assertThatThrownBy(() -> stub(KEY_B).createJob(request(input + "y", AudioFormat.AUDIO_FORMAT_MP3)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("1000001", "jobs.max-input-chars");
                });
    }

    @Test
    void badCallsGetTheRightStatusAndAClearMessage() {
        record Case(Runnable call, Status.Code code, String says) {
        }
        for (Case c : List.of(
                new Case(() -> stub(KEY_A).createJob(CreateJobRequest.getDefaultInstance()),
                        Status.Code.INVALID_ARGUMENT, "speech: not set"),
                new Case(() -> stub(KEY_A).createJob(request("   ", AudioFormat.AUDIO_FORMAT_WAV)),
                        Status.Code.INVALID_ARGUMENT, "blank"),
                new Case(() -> stub(KEY_A).createJob(request("Hi.", AudioFormat.AUDIO_FORMAT_WAV).toBuilder()
                        .setTtlSeconds(5).build()), Status.Code.INVALID_ARGUMENT, "ttl: 5 seconds"),
                new Case(() -> stub(KEY_A).createJob(request("Hi.", AudioFormat.AUDIO_FORMAT_WAV).toBuilder()
                        .setWebhookUrl("http://8.8.8.8/x").build()), Status.Code.INVALID_ARGUMENT, "webhook_url"),
                new Case(() -> stub(KEY_A).createJob(CreateJobRequest.newBuilder().setSpeech(SynthesizeRequest
                        .newBuilder().setText("Hi.").setVoice("nobody")).build()), Status.Code.NOT_FOUND, "nobody"),
                new Case(() -> stub(KEY_A).getJob(GetJobRequest.newBuilder().setId("job_none").build()),
                        Status.Code.NOT_FOUND, "job_none"),
                new Case(() -> stub(KEY_A).getJob(GetJobRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                        "id: empty"),
                new Case(() -> stub(KEY_A).listJobs(ListJobsRequest.newBuilder().setPageSize(101).build()),
                        Status.Code.INVALID_ARGUMENT, "page_size: 101"),
                new Case(() -> stub(KEY_A).listJobs(ListJobsRequest.newBuilder().setPageToken("zzz").build()),
                        Status.Code.INVALID_ARGUMENT, "page_token"),
                new Case(() -> stub(null).listJobs(ListJobsRequest.getDefaultInstance()),
                        Status.Code.UNAUTHENTICATED, ""))) {
            assertThatThrownBy(c.call()::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).as(c.says()).isEqualTo(c.code());
                assertThat(String.valueOf(e.getStatus().getDescription())).contains(c.says());
            });
        }
    }

    @Test
    void creatingAJobCountsAgainstTheTenantsRequestRate() {
        List<Status.Code> codes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try {
                stub(KEY_SLOW).createJob(request("Hi " + i + ".", AudioFormat.AUDIO_FORMAT_WAV));
                codes.add(Status.Code.OK);
            } catch (StatusRuntimeException e) {
                codes.add(e.getStatus().getCode());
                assertThat(e.getStatus().getDescription()).contains("requests per second");
                assertThat(e.getTrailers().get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER)))
                        .isNotNull();
            }
        }
        assertThat(codes).contains(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void theTranscodedHttpJsonRoutesServeTheSameJobs() throws Exception {
        String body = "{\"speech\":{\"text\":" + Http.quote(text(3)) + ",\"voice\":\"paced:tone\","
                + "\"format\":\"AUDIO_FORMAT_PCM\"},\"ttl_seconds\":\"600\"}";
        HttpRequest.Builder post = HttpRequest.newBuilder(server.uri("/v1/tts/jobs"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "http-json-7")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<byte[]> created = http(KEY_A, post);
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode c = JSON.readTree(created.body());
        String id = c.get("job").get("id").asText();
        assertThat(c.get("job").get("status").asText()).isEqualTo("JOB_STATUS_QUEUED");
        assertThat(c.get("job").get("expire_at").asLong() - c.get("job").get("created_at").asLong()).isEqualTo(600);
        // The header is the idempotency key: the same request again answers the same job.
        JsonNode replay = JSON.readTree(http(KEY_A, HttpRequest.newBuilder(server.uri("/v1/tts/jobs"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "http-json-7")
                .POST(HttpRequest.BodyPublishers.ofString(body))).body());
        assertThat(replay.get("job").get("id").asText()).isEqualTo(id);
        assertThat(replay.get("replayed").asBoolean()).isTrue();

        // The job is the REST API's job, and gRPC's.
        await(KEY_A, id, JobStatus.JOB_STATUS_SUCCEEDED);
        HttpResponse<byte[]> got = http(KEY_A, HttpRequest.newBuilder(server.uri("/v1/tts/jobs/" + id)).GET());
        assertThat(got.statusCode()).isEqualTo(200);
        JsonNode j = JSON.readTree(got.body());
        assertThat(j.get("status").asText()).isEqualTo("JOB_STATUS_SUCCEEDED");
        assertThat(j.get("progress").get("sentences_done").asInt()).isEqualTo(3);
        JsonNode rest = JSON.readTree(server.get("/v1/audio/jobs/" + id, KEY_A).body());
        assertThat(rest.get("status").asText()).isEqualTo("succeeded");
        assertThat(j.get("audio_url").asText()).isEqualTo(rest.get("audio_url").asText());
        assertThat(j.get("audio_bytes").asLong()).isEqualTo(rest.get("audio_bytes").asLong());

        JsonNode list = JSON.readTree(http(KEY_A, HttpRequest.newBuilder(server.uri("/v1/tts/jobs?page_size=100"))
                .GET()).body());
        List<String> ids = new ArrayList<>();
        list.get("jobs").forEach(x -> ids.add(x.get("id").asText()));
        assertThat(ids).contains(id);

        HttpResponse<byte[]> other = http(KEY_B, HttpRequest.newBuilder(server.uri("/v1/tts/jobs/" + id)).GET());
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(new String(other.body(), StandardCharsets.UTF_8)).contains("not found");
        HttpResponse<byte[]> bad = http(KEY_A, HttpRequest.newBuilder(server.uri("/v1/tts/jobs?page_size=500"))
                .GET());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new String(bad.body(), StandardCharsets.UTF_8)).contains("page_size: 500");

        HttpResponse<byte[]> deleted = http(KEY_A, HttpRequest.newBuilder(server.uri("/v1/tts/jobs/" + id))
                .DELETE());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deleted.body()).get("removed").asBoolean()).isTrue();
        assertThat(server.get("/v1/audio/jobs/" + id, KEY_A).statusCode()).isEqualTo(404);

        // The API description lists the transcoded routes beside the REST ones.
        var paths = new io.swagger.v3.parser.OpenAPIV3Parser().readContents(new String(server.get("/openapi.json",
                null).body(), StandardCharsets.UTF_8)).getOpenAPI().getPaths();
        assertThat(paths.get("/v1/tts/jobs").getPost().getOperationId()).isEqualTo("jobsCreateJob");
        assertThat(paths.get("/v1/tts/jobs/{id}").getDelete()).isNotNull();
    }
}

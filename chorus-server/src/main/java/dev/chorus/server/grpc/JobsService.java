package dev.chorus.server.grpc;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.chorus.jobs.Job;
import dev.chorus.jobs.JobStore;
import dev.chorus.jobs.Jobs;
import dev.chorus.proto.tts.v1.CreateJobRequest;
import dev.chorus.proto.tts.v1.CreateJobResponse;
import dev.chorus.proto.tts.v1.DeleteJobRequest;
import dev.chorus.proto.tts.v1.DeleteJobResponse;
import dev.chorus.proto.tts.v1.GetJobRequest;
import dev.chorus.proto.tts.v1.JobAudioChunk;
import dev.chorus.proto.tts.v1.JobProgress;
import dev.chorus.proto.tts.v1.JobStatus;
import dev.chorus.proto.tts.v1.JobsGrpc;
import dev.chorus.proto.tts.v1.ListJobsRequest;
import dev.chorus.proto.tts.v1.ListJobsResponse;
import dev.chorus.proto.tts.v1.ReadJobAudioRequest;
import dev.chorus.proto.tts.v1.SpeechJob;
import dev.chorus.proto.tts.v1.WebhookDelivery;
import dev.chorus.server.internal.GrpcErrors;
import dev.chorus.server.internal.ServerCaller;
import dev.chorus.service.ApiException;
import dev.chorus.service.SpeechInput;
import dev.chorus.tts.AudioEncoding;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * The gRPC service {@code chorus.tts.v1.Jobs}: the long-form jobs API of the REST routes under
 * {@code /v1/audio/jobs}, over the same {@link Jobs}, so checks, tenant isolation, quotas and limits are the same.
 * An adapter only. Its methods run on the blocking task executor (the store writes to disk); the audio stream
 * follows gRPC's flow control, reading the next chunk only when the call is ready for it.
 */
public final class JobsService extends JobsGrpc.JobsImplBase {

    /** The largest chunk of a ReadJobAudio stream. */
    static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_KEY_CHARS = 255;
    private static final String IDEMPOTENCY_HEADER = "idempotency-key";

    private final Jobs jobs;

    public JobsService(Jobs jobs) {
        this.jobs = jobs;
    }

    /**
     * Returns this service with its HTTP/JSON transcoding ({@code /v1/tts/jobs}), taking messages up to
     * {@code jobs.max-request-bytes}; the caller adds the tenant check as a decorator.
     */
    public static GrpcService grpcService(Jobs jobs) {
        return GrpcService.builder().addService(new JobsService(jobs))
                .enableHttpJsonTranscoding(true)
                // Proto field names (sample_rate), like every other JSON route of this server.
                .jsonMarshallerFactory(sd -> GrpcJsonMarshaller.builder()
                        .jsonMarshallerCustomizer(m -> m.preservingProtoFieldNames(true)).build(sd))
                .useBlockingTaskExecutor(true)
                .exceptionHandler(GrpcErrors::unreadableMessage)
                .maxRequestMessageLength((int) Math.min(Integer.MAX_VALUE, jobs.config().maxRequestBytes()))
                .build();
    }

    @Override
    public void createJob(CreateJobRequest request, StreamObserver<CreateJobResponse> observer) {
        try {
            if (!request.hasSpeech()) {
                throw ApiException.badRequest("invalid_value", "speech", "speech: not set (expected: the "
                        + "SynthesizeRequest to make, with text or ssml)");
            }
            SpeechInput input = ProtoMapping.toInput(request.getSpeech(), null);
            Duration ttl = null;
            if (request.getTtlSeconds() < 0) {
                throw ApiException.badRequest("invalid_value", "ttl_seconds", "ttl_seconds: "
                        + request.getTtlSeconds() + " (expected: 0 for the default, or the seconds the job is kept)");
            } else if (request.getTtlSeconds() > 0) {
                ttl = Duration.ofSeconds(request.getTtlSeconds());
            }
            String webhook = request.getWebhookUrl().isEmpty() ? null : request.getWebhookUrl();
            if (webhook != null && (webhook.isBlank() || webhook.length() > 2048)) {
                throw ApiException.badRequest("invalid_value", "webhook_url", "webhook_url: " + webhook.length()
                        + " characters (expected: an https URL of at most 2048 characters)");
            }
            Jobs.Submitted s = jobs.submit(input, ServerCaller.of(ServiceRequestContext.current()),
                    new Jobs.Options(webhook, ttl, idempotencyKey(request)));
            observer.onNext(CreateJobResponse.newBuilder().setJob(job(s.job())).setReplayed(s.replayed()).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(status(e));
        }
    }

    /** Returns the request's idempotency key: the field, else the header; both must agree when both are set. */
    private static String idempotencyKey(CreateJobRequest request) {
        String header = ServiceRequestContext.current().request().headers().get(IDEMPOTENCY_HEADER);
        String field = request.getIdempotencyKey().isEmpty() ? null : request.getIdempotencyKey();
        if (field != null && header != null && !field.equals(header)) {
            throw ApiException.badRequest("invalid_value", "idempotency_key", "idempotency_key: differs from the "
                    + "idempotency-key header (expected: one key, or the same in both)");
        }
        String key = field != null ? field : header;
        if (key != null && (key.isBlank() || key.length() > MAX_KEY_CHARS)) {
            throw ApiException.badRequest("invalid_value", "idempotency_key", "idempotency_key: "
                    + (key.isBlank() ? "blank" : key.length() + " characters") + " (expected: 1 to "
                    + MAX_KEY_CHARS + " characters)");
        }
        return key;
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<SpeechJob> observer) {
        try {
            Job j = jobs.get(tenant(), id(request.getId())).orElseThrow(() -> notFound(request.getId()));
            observer.onNext(job(j));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(status(e));
        }
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> observer) {
        try {
            int size = request.getPageSize() == 0 ? 20 : request.getPageSize();
            if (size < 1 || size > 100) {
                throw ApiException.badRequest("invalid_value", "page_size", "page_size: " + request.getPageSize()
                        + " (expected: 1 to 100, or 0 for 20)");
            }
            String token = request.getPageToken().isEmpty() ? null : request.getPageToken();
            JobStore.Page page;
            try {
                page = jobs.list(tenant(), token, size);
            } catch (ApiException e) {
                throw "cursor".equals(e.param()) ? ApiException.badRequest("invalid_value", "page_token",
                        "page_token: not one this server gave (expected: a next_page_token, or empty)") : e;
            }
            ListJobsResponse.Builder b = ListJobsResponse.newBuilder();
            page.jobs().forEach(j -> b.addJobs(job(j)));
            if (page.nextCursor() != null) {
                b.setNextPageToken(page.nextCursor());
            }
            observer.onNext(b.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(status(e));
        }
    }

    @Override
    public void deleteJob(DeleteJobRequest request, StreamObserver<DeleteJobResponse> observer) {
        try {
            Optional<Job> cancelled = jobs.cancelOrDelete(tenant(), id(request.getId()));
            DeleteJobResponse.Builder b = DeleteJobResponse.newBuilder().setRemoved(cancelled.isEmpty());
            cancelled.ifPresent(j -> b.setJob(job(j)));
            observer.onNext(b.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(status(e));
        }
    }

    @Override
    public void readJobAudio(ReadJobAudioRequest request, StreamObserver<JobAudioChunk> observer) {
        InputStream in = null;
        try {
            Jobs.Audio a = jobs.audio(tenant(), id(request.getId()));
            long size = a.size();
            if (request.getOffset() < 0 || request.getLength() < 0) {
                throw ApiException.badRequest("invalid_value", request.getOffset() < 0 ? "offset" : "length",
                        "offset " + request.getOffset() + ", length " + request.getLength() + " (expected: >= 0)");
            }
            if (request.getOffset() >= size && !(size == 0 && request.getOffset() == 0)) {
                throw Status.OUT_OF_RANGE.withDescription("offset: " + request.getOffset() + " (expected: below "
                        + size + ", the size of the audio)").asRuntimeException();
            }
            long end = request.getLength() == 0 ? size : Math.min(size, request.getOffset() + request.getLength());
            in = jobs.open(a, request.getOffset());
            new AudioPump(in, request.getOffset(), end, size, ProtoMapping.format(AudioEncoding.parse(a.job()
                    .format())), observer).start();
        } catch (IOException | RuntimeException e) {
            close(in);
            observer.onError(e instanceof StatusRuntimeException s ? s : status(e instanceof IOException
                    ? new IllegalStateException("reading the job's audio: " + e.getMessage(), e) : e));
        }
    }

    /**
     * Sends a byte range of an audio object as chunks, one each time the call is ready: a slow client holds back
     * the reads from the store instead of filling the server's memory. Cancelling the call closes the stream.
     */
    private static final class AudioPump {
        private final InputStream in;
        private final long end;
        private final long total;
        private final dev.chorus.proto.tts.v1.AudioFormat format;
        private final ServerCallStreamObserver<JobAudioChunk> call;
        private final StreamObserver<JobAudioChunk> observer;
        private long position;
        private boolean done;

        AudioPump(InputStream in, long start, long end, long total, dev.chorus.proto.tts.v1.AudioFormat format,
                  StreamObserver<JobAudioChunk> observer) {
            this.in = in;
            this.position = start;
            this.end = end;
            this.total = total;
            this.format = format;
            this.observer = observer;
            this.call = observer instanceof ServerCallStreamObserver<JobAudioChunk> c ? c : null;
        }

        void start() {
            if (call == null) {
                pump();
                return;
            }
            call.setOnCancelHandler(this::finish);
            call.setOnReadyHandler(this::pump);
            pump();
        }

        private synchronized void pump() {
            try {
                while (!done && (call == null || call.isReady())) {
                    if (position >= end) {
                        finish();
                        observer.onCompleted();
                        return;
                    }
                    byte[] chunk = in.readNBytes((int) Math.min(CHUNK_BYTES, end - position));
                    if (chunk.length == 0) {
                        throw new IOException("the audio object ended at byte " + position + " of " + total);
                    }
                    observer.onNext(JobAudioChunk.newBuilder().setData(ByteString.copyFrom(chunk))
                            .setOffset(position).setTotalBytes(total).setFormat(format).build());
                    position += chunk.length;
                }
            } catch (IOException | RuntimeException e) {
                if (!done) {
                    finish();
                    observer.onError(status(new IllegalStateException("reading the job's audio: " + e.getMessage(),
                            e)));
                }
            }
        }

        private synchronized void finish() {
            if (!done) {
                done = true;
                close(in);
            }
        }
    }

    private static void close(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // Nothing more to read from it either way.
            }
        }
    }

    private SpeechJob job(Job j) {
        SpeechJob.Builder b = SpeechJob.newBuilder().setId(j.id()).setStatus(status(j.status()))
                .setCreatedAt(j.createdAt().getEpochSecond()).setExpireAt(j.expireAt().getEpochSecond())
                .setFormat(ProtoMapping.format(AudioEncoding.parse(j.format()))).setSampleRate(j.sampleRate())
                .setProgress(JobProgress.newBuilder().setSentencesDone(j.sentencesDone())
                        .setSentencesTotal(j.sentencesTotal()).setCharactersDone(j.charactersDone())
                        .setCharactersTotal(j.characters())
                        .setAudioSeconds(Math.round(j.audioSeconds() * 1000) / 1000.0));
        if (j.finishedAt() != null) {
            b.setFinishedAt(j.finishedAt().getEpochSecond());
        }
        if (j.status() == dev.chorus.jobs.JobStatus.SUCCEEDED) {
            b.setAudioUrl(jobs.presignedAudio(j).map(java.net.URI::toString)
                    .orElse("/v1/audio/jobs/" + j.id() + "/audio"));
            b.setMarksUrl("/v1/audio/jobs/" + j.id() + "/marks").setAudioBytes(j.audioBytes());
        }
        if (j.error() != null) {
            b.setError(j.error());
        }
        if (j.webhookUrl() != null) {
            WebhookDelivery.Builder w = WebhookDelivery.newBuilder().setUrl(j.webhookUrl())
                    .setStatus(j.webhook() == null ? "waiting" : j.webhook().status())
                    .setAttempts(j.webhook() == null ? 0 : j.webhook().attempts());
            if (j.webhook() != null && j.webhook().lastError() != null) {
                w.setLastError(j.webhook().lastError());
            }
            b.setWebhook(w);
        }
        return b.build();
    }

    private static JobStatus status(dev.chorus.jobs.JobStatus s) {
        return switch (s) {
            case QUEUED -> JobStatus.JOB_STATUS_QUEUED;
            case RUNNING -> JobStatus.JOB_STATUS_RUNNING;
            case SUCCEEDED -> JobStatus.JOB_STATUS_SUCCEEDED;
            case FAILED -> JobStatus.JOB_STATUS_FAILED;
            case CANCELLED -> JobStatus.JOB_STATUS_CANCELLED;
            case EXPIRED -> JobStatus.JOB_STATUS_EXPIRED;
        };
    }

    private static String tenant() {
        return ServerCaller.of(ServiceRequestContext.current()).tenant();
    }

    private static String id(String id) {
        if (id.isEmpty()) {
            throw ApiException.badRequest("invalid_value", "id", "id: empty (expected: a job id, as CreateJob "
                    + "returned it)");
        }
        return id;
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "job_not_found", "id", "job '" + id + "' not found (it may have been "
                + "deleted, or belong to another tenant)");
    }

    /**
     * Maps an error as the REST routes would, with the statuses a job adds: a conflict is ALREADY_EXISTS (an
     * idempotency key used for another request) or FAILED_PRECONDITION (no audio yet).
     */
    static StatusRuntimeException status(Throwable e) {
        if (e instanceof ApiException a && a.status() == 409) {
            Status s = "idempotency_key_reused".equals(a.code()) ? Status.ALREADY_EXISTS : Status.FAILED_PRECONDITION;
            return s.withDescription(a.getMessage()).asRuntimeException();
        }
        return GrpcErrors.toStatus(e);
    }
}

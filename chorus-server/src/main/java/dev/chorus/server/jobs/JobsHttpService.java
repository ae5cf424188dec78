package dev.chorus.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.chorus.jobs.Job;
import dev.chorus.jobs.JobStatus;
import dev.chorus.jobs.JobStore;
import dev.chorus.jobs.Jobs;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.server.internal.ServerCaller;
import dev.chorus.server.openai.SpeechBodies;
import dev.chorus.service.ApiException;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechInput;
import dev.chorus.tts.AudioEncoding;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The long-form jobs API: {@code POST /v1/audio/jobs} takes a speech request and answers 202 at once;
 * {@code GET /v1/audio/jobs/{id}} tells its status and progress; {@code GET .../audio} serves the result with
 * {@code Range}; {@code DELETE} cancels or removes; {@code GET /v1/audio/jobs} lists the caller's jobs. An
 * adapter only: checks, storage and running live in {@link Jobs}. Blocking, as the store writes to disk.
 */
public final class JobsHttpService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IDEMPOTENCY_KEY = "idempotency-key";
    private static final int MAX_KEY_CHARS = 255;

    private final Jobs jobs;

    public JobsHttpService(Jobs jobs) {
        this.jobs = jobs;
    }

    /** Creates a job from the speech request's fields plus {@code ttl} and {@code webhook_url}. */
    @Post("/v1/audio/jobs")
    @Blocking
    @Description("Creates a long-form synthesis job from the speech request's fields; answers 202 with its id.")
    public HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        try {
            byte[] body = request.content().array();
            SpeechInput input = SpeechBodies.jobInput(body);
            JsonNode root = JSON.readTree(body);
            Duration ttl = ttl(root.get("ttl"));
            String webhook = webhook(root.get("webhook_url"));
            String key = request.headers().get(IDEMPOTENCY_KEY);
            if (key != null && (key.isBlank() || key.length() > MAX_KEY_CHARS)) {
                throw ApiException.badRequest("invalid_value", "Idempotency-Key", "Idempotency-Key: "
                        + (key.isBlank() ? "blank" : key.length() + " characters") + " (expected: 1 to "
                        + MAX_KEY_CHARS + " characters)");
            }
            Caller caller = ServerCaller.of(ctx);
            Jobs.Submitted s = jobs.submit(input, caller, new Jobs.Options(webhook, ttl, key));
            ObjectNode out = JSON.createObjectNode();
            Job j = s.job();
            out.put("id", j.id());
            out.put("object", "audio.job");
            out.put("status", j.status().id());
            out.put("created_at", j.createdAt().getEpochSecond());
            out.put("expire_at", j.expireAt().getEpochSecond());
            ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.ACCEPTED).contentType(MediaType.JSON_UTF_8)
                    .add(HttpHeaderNames.LOCATION, "/v1/audio/jobs/" + j.id())
                    .add("idempotent-replayed", Boolean.toString(s.replayed())).build();
            return HttpResponse.of(headers, com.linecorp.armeria.common.HttpData.ofUtf8(out.toString()));
        } catch (IOException e) {
            return error(ApiException.badRequest("invalid_json", null, "request body: not valid JSON"));
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    private static Duration ttl(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1) {
            throw ApiException.badRequest("invalid_type", "ttl", "ttl: " + v + " (expected: a whole number of "
                    + "seconds the job and its audio are kept)");
        }
        return Duration.ofSeconds(v.longValue());
    }

    private static String webhook(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > 2048) {
            throw ApiException.badRequest("invalid_type", "webhook_url", "webhook_url: " + abbreviate(v)
                    + " (expected: an https URL of at most 2048 characters)");
        }
        return v.textValue();
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** Tells a job's status and progress. */
    @Get("/v1/audio/jobs/{id}")
    @Blocking
    @Description("Returns a job's status, progress and, when it succeeded, where its audio is.")
    public HttpResponse get(ServiceRequestContext ctx, @Param("id") String id) {
        try {
            Job j = jobs.get(tenant(ctx), id).orElseThrow(() -> notFound(id));
            return json(HttpStatus.OK, job(j));
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    /** Lists the caller's jobs, newest first, a page at a time. */
    @Get("/v1/audio/jobs")
    @Blocking
    @Description("Lists the caller's jobs, newest first; pass next_cursor as after for the next page.")
    public HttpResponse list(ServiceRequestContext ctx) {
        try {
            String limitParam = ctx.queryParam("limit");
            int limit = 20;
            if (limitParam != null) {
                try {
                    limit = Integer.parseInt(limitParam);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > 100) {
                    throw ApiException.badRequest("invalid_value", "limit", "limit: '" + limitParam
                            + "' (expected: 1 to 100)");
                }
            }
            JobStore.Page page = jobs.list(tenant(ctx), ctx.queryParam("after"), limit);
            ObjectNode out = JSON.createObjectNode();
            out.put("object", "list");
            ArrayNode data = out.putArray("data");
            page.jobs().forEach(j -> data.add(job(j)));
            out.put("has_more", page.nextCursor() != null);
            out.put("next_cursor", page.nextCursor());
            return json(HttpStatus.OK, out);
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    /** Cancels an active job, or removes a finished one with its audio. */
    @Delete("/v1/audio/jobs/{id}")
    @Blocking
    @Description("Cancels a queued or running job (200 with the job), or removes a finished one and its audio (204).")
    public HttpResponse delete(ServiceRequestContext ctx, @Param("id") String id) {
        try {
            Optional<Job> cancelled = jobs.cancelOrDelete(tenant(ctx), id);
            return cancelled.map(j -> json(HttpStatus.OK, job(j)))
                    .orElseGet(() -> HttpResponse.of(HttpStatus.NO_CONTENT));
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    /** Serves a succeeded job's audio, whole or the one byte range asked for. */
    @Get("/v1/audio/jobs/{id}/audio")
    @Blocking
    @Description("Returns a succeeded job's audio; supports one Range (bytes=START-END, START-, -SUFFIX). With "
            + "presigned downloads (jobs.audio.download), redirects (307) to the object store's presigned URL.")
    public HttpResponse audio(ServiceRequestContext ctx, @Param("id") String id) {
        try {
            Jobs.Audio a = jobs.audio(tenant(ctx), id);
            Optional<java.net.URI> presigned = jobs.presignedAudio(a.job());
            if (presigned.isPresent()) {
                // 307 keeps the method and the client's Range; the store serves the bytes and the ranges itself.
                return HttpResponse.of(ResponseHeaders.builder(HttpStatus.TEMPORARY_REDIRECT)
                        .add(HttpHeaderNames.LOCATION, presigned.get().toString())
                        .add(HttpHeaderNames.CACHE_CONTROL, "no-store").build());
            }
            AudioEncoding encoding = AudioEncoding.parse(a.job().format());
            long size = a.size();
            ByteRange range = ByteRange.parse(ctx.request().headers().get(HttpHeaderNames.RANGE), size);
            if (range == ByteRange.UNSATISFIABLE) {
                return HttpResponse.of(ResponseHeaders.builder(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        .add(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size)
                        .contentType(MediaType.JSON_UTF_8).build(), com.linecorp.armeria.common.HttpData.ofUtf8(
                        ApiErrors.of(new ApiException(416, "range_not_satisfiable", "Range", "Range: '"
                                + ctx.request().headers().get(HttpHeaderNames.RANGE) + "' (expected: within the "
                                + size + " bytes of the audio)")).body().toString()));
            }
            com.linecorp.armeria.common.ResponseHeadersBuilder h = ResponseHeaders.builder(range == null ? HttpStatus.OK
                            : HttpStatus.PARTIAL_CONTENT)
                    .contentType(MediaType.parse(encoding.mediaType()))
                    .add(HttpHeaderNames.ACCEPT_RANGES, "bytes")
                    .add(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + id + "."
                            + encoding.fileExtension() + "\"");
            long start = range == null ? 0 : range.start();
            long length = range == null ? size : range.length();
            if (range != null) {
                h.add(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + (start + length - 1) + "/" + size);
            }
            h.contentLength(length);
            InputStream in = jobs.open(a, start);
            return HttpResponse.of(h.build(), StreamMessage.of(in).range(0, length));
        } catch (IOException e) {
            return error(new IllegalStateException("reading the job's audio: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    /** Serves a succeeded job's speech marks, JSON lines as the speech route's {@code json_marks}. */
    @Get("/v1/audio/jobs/{id}/marks")
    @Blocking
    @Description("Returns a succeeded job's speech marks (sentence, word and SSML marks) as JSON lines.")
    public HttpResponse marks(ServiceRequestContext ctx, @Param("id") String id) {
        try {
            Jobs.Audio m = jobs.marks(tenant(ctx), id);
            ResponseHeaders h = ResponseHeaders.builder(HttpStatus.OK)
                    .contentType(MediaType.parse("application/x-json-stream")).contentLength(m.size()).build();
            return HttpResponse.of(h, StreamMessage.of(jobs.open(m, 0)).range(0, m.size()));
        } catch (IOException e) {
            return error(new IllegalStateException("reading the job's marks: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    private static String tenant(ServiceRequestContext ctx) {
        return ServerCaller.of(ctx).tenant();
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "job_not_found", "id", "job '" + id + "' not found (it may have been "
                + "deleted, or belong to another tenant)");
    }

    /** Returns a job as the API shows it; its audio_url is presigned when downloads are. */
    private ObjectNode job(Job j) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", j.id());
        o.put("object", "audio.job");
        o.put("status", j.status().id());
        o.put("created_at", j.createdAt().getEpochSecond());
        o.put("expire_at", j.expireAt().getEpochSecond());
        Instant f = j.finishedAt();
        if (f != null) {
            o.put("finished_at", f.getEpochSecond());
        }
        o.put("response_format", j.format());
        if (j.sampleRate() > 0) {
            o.put("sample_rate", j.sampleRate());
        }
        ObjectNode p = o.putObject("progress");
        p.put("sentences_done", j.sentencesDone());
        p.put("sentences_total", j.sentencesTotal());
        p.put("characters_done", j.charactersDone());
        p.put("characters_total", j.characters());
        p.put("audio_seconds", Math.round(j.audioSeconds() * 1000) / 1000.0);
        if (j.status() == JobStatus.SUCCEEDED) {
            o.put("audio_url", jobs.presignedAudio(j).map(java.net.URI::toString)
                    .orElse("/v1/audio/jobs/" + j.id() + "/audio"));
            o.put("marks_url", "/v1/audio/jobs/" + j.id() + "/marks");
            o.put("audio_bytes", j.audioBytes());
        }
        if (j.error() != null) {
            o.putObject("error").put("message", j.error());
        }
        if (j.webhookUrl() != null) {
            ObjectNode w = o.putObject("webhook");
            w.put("url", j.webhookUrl());
            w.put("status", j.webhook() == null ? "waiting" : j.webhook().status());
            w.put("attempts", j.webhook() == null ? 0 : j.webhook().attempts());
            if (j.webhook() != null && j.webhook().lastError() != null) {
                w.put("last_error", j.webhook().lastError());
            }
        }
        return o;
    }

    private static HttpResponse json(HttpStatus status, JsonNode body) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
    }

    private static HttpResponse error(RuntimeException e) {
        return ApiErrors.of(e).toResponse().toHttpResponse();
    }
}

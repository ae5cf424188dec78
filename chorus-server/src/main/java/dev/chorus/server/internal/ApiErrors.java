package dev.chorus.server.internal;

import dev.chorus.service.ApiException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.VoiceNotFoundException;

import java.nio.charset.StandardCharsets;

/**
 * Maps errors to HTTP statuses and OpenAI's error body, {@code {"error":{"message","type","param","code"}}}.
 * Messages are the ones written for users; a stack trace never reaches a client.
 */
public final class ApiErrors {

    private static final System.Logger LOG = System.getLogger(ApiErrors.class.getName());

    /** What a client is told of a fault of this server; the server log has the details. */
    public static final String INTERNAL_ERROR = "internal error: the request failed on the server (the server log "
            + "has the details)";

    private ApiErrors() {
    }

    /** One error as a client sees it. */
    public record ApiError(int status, String code, String param, String message, long retryAfterSeconds,
                    java.util.List<String> categories, java.util.Map<String, String> headers) {

        ApiError(int status, String code, String param, String message, long retryAfterSeconds) {
            this(status, code, param, message, retryAfterSeconds, java.util.List.of(), java.util.Map.of());
        }

        /** Returns OpenAI's error type for the status. */
        String type() {
            if (status == 429 && ("insufficient_quota".equals(code) || "rate_limit_exceeded".equals(code))) {
                return "insufficient_quota".equals(code) ? code : "requests"; // As OpenAI names them.
            }
            return status >= 500 ? "server_error" : "invalid_request_error";
        }

        /** Returns the error body, {@code {"error":{...}}}. */
        public ObjectNode body() {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            ObjectNode e = root.putObject("error");
            e.put("message", message);
            e.put("type", type());
            if (param == null) {
                e.putNull("param");
            } else {
                e.put("param", param);
            }
            e.put("code", code);
            if (!categories.isEmpty()) {
                // A content-policy refusal: the first category, and all of them when several refused it.
                e.put("category", categories.getFirst());
                categories.forEach(e.putArray("categories")::add);
            }
            return root;
        }

        /** Returns the whole HTTP response: status, JSON body, Retry-After when set, and any extra headers. */
        public AggregatedHttpResponse toResponse() {
            ResponseHeadersBuilder h = ResponseHeaders.builder(HttpStatus.valueOf(status))
                    .contentType(MediaType.JSON_UTF_8);
            if (retryAfterSeconds > 0) {
                h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
            }
            headers.forEach(h::set);
            return AggregatedHttpResponse.of(h.build(),
                    com.linecorp.armeria.common.HttpData.of(StandardCharsets.UTF_8, body().toString()));
        }
    }

    /** Returns how a client should see {@code error}. */
    public static ApiError of(Throwable error) {
        Throwable t = unwrap(error);
        return switch (t) {
            case ApiException a -> new ApiError(a.status(), a.code(), a.param(), a.getMessage(),
                    a.retryAfterSeconds(), a.categories(), a.headers());
            case ChorusException c -> of(c);
            default -> {
                // A fault of this server: the details go to its log, never to the client.
                LOG.log(System.Logger.Level.ERROR, "unexpected error", t);
                yield new ApiError(500, "internal_error", null, INTERNAL_ERROR, 0);
            }
        };
    }

    private static ApiError of(ChorusException c) {
        return switch (c) {
            case InvalidInputException e -> new ApiError(400, e.code(), e.param(), e.getMessage(), 0);
            case VoiceNotFoundException e -> new ApiError(404, e.code(), "voice", e.getMessage(), 0);
            case OverloadedException e -> new ApiError(503, e.code(), null, e.getMessage(),
                    Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
            case EngineUnavailableException e -> new ApiError(503, e.code(), "voice",
                    FileNames.withoutDirectories(e.getMessage()), 30);
            case DeadlineExceededException e -> new ApiError(504, e.code(), null, e.getMessage(), 0);
            case SynthesisCancelledException e -> new ApiError(499, e.code(), null, e.getMessage(), 0);
            case SynthesisException e -> {
                LOG.log(System.Logger.Level.WARNING, "synthesis failed", e);
                yield new ApiError(500, e.code(), null, e.getMessage(), 0);
            }
        };
    }

    /** Returns the cause that carries the meaning, past wrappers such as {@code CompletionException}. */
    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof java.util.concurrent.CompletionException
                || cur instanceof java.util.concurrent.ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        // A refusal that reaches the output mid-synthesis (the speech back-check) travels inside a ChorusException.
        if (cur instanceof SynthesisException && cur.getCause() instanceof ApiException a) {
            return a;
        }
        return cur;
    }
}

package dev.chorus.server.internal;

import dev.chorus.service.ApiException;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.VoiceNotFoundException;
import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.common.RequestContext;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Maps Chorus errors to gRPC statuses; the description is the user-facing message, never a stack trace. */
public final class GrpcErrors {

    /** Trailer that tells a refused client when to retry, in whole seconds (as HTTP's Retry-After). */
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    /** Trailer that names the content categories that refused a request, comma-separated. */
    public static final Metadata.Key<String> SAFETY_CATEGORIES = Metadata.Key.of("chorus-safety-categories",
            Metadata.ASCII_STRING_MARSHALLER);

    /** The longest status description sent, in characters; clients refuse trailers beyond a few KiB. */
    static final int MAX_DESCRIPTION = 1000;

    private GrpcErrors() {
    }

    /** Returns the exception to pass to {@code StreamObserver.onError} for {@code error}. */
    public static StatusRuntimeException toStatus(Throwable error) {
        Throwable t = ApiErrors.unwrap(error);
        Metadata trailers = new Metadata();
        Status status = switch (t) {
            case ChorusException c -> of(c, trailers);
            case ApiException a when !a.categories().isEmpty() -> {
                // Well-formed input that the content policy refuses: not a malformed argument, so a client can
                // tell the two apart; resending the same text will be refused again.
                trailers.put(SAFETY_CATEGORIES, String.join(",", a.categories()));
                yield Status.FAILED_PRECONDITION.withDescription(a.getMessage());
            }
            case ApiException a -> of(a, trailers);
            case IllegalArgumentException e -> Status.INVALID_ARGUMENT.withDescription(e.getMessage());
            default -> {
                ApiErrors.of(t); // logs it
                yield Status.INTERNAL.withDescription(ApiErrors.INTERNAL_ERROR);
            }
        };
        // A description echoes what the caller sent (a voice name): kept short, so the trailers stay readable.
        String d = status.getDescription();
        if (d != null && d.length() > MAX_DESCRIPTION) {
            status = status.withDescription(d.substring(0, MAX_DESCRIPTION - 3) + "...");
        }
        return status.asRuntimeException(trailers);
    }

    /**
     * Maps a request message gRPC could not read (bytes that are not protobuf, a string field that is not UTF-8)
     * to INVALID_ARGUMENT: the caller's mistake, not a fault of this server. Returns null for anything else, so
     * Armeria's own mapping applies; for {@code GrpcServiceBuilder.exceptionHandler}.
     */
    public static Status unreadableMessage(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof InvalidProtocolBufferException e) {
                String m = String.valueOf(e.getMessage());
                return Status.INVALID_ARGUMENT.withDescription(m.contains("UTF-8")
                        ? "request message: a string field is not valid UTF-8 (expected: UTF-8 text)"
                        : "request message: not a valid chorus.tts.v1 message (expected: protobuf of the method's "
                                + "request type)");
            }
        }
        return null;
    }

    /** Maps a server-side refusal; rate limits carry Retry-After and the RateLimit-* values in the trailers. */
    public static Status of(ApiException a, Metadata trailers) {
        Status s = switch (a.status()) {
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 413, 429 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            default -> a.status() >= 500 ? Status.INTERNAL : Status.INVALID_ARGUMENT;
        };
        if (a.retryAfterSeconds() > 0) {
            trailers.put(RETRY_AFTER, Long.toString(a.retryAfterSeconds()));
        }
        a.headers().forEach((k, v) -> trailers.put(Metadata.Key.of(k.toLowerCase(java.util.Locale.ROOT),
                Metadata.ASCII_STRING_MARSHALLER), v));
        return s.withDescription(a.getMessage());
    }

    private static Status of(ChorusException c, Metadata trailers) {
        Status s = switch (c) {
            case InvalidInputException e -> Status.INVALID_ARGUMENT;
            case VoiceNotFoundException e -> Status.NOT_FOUND;
            case OverloadedException e -> {
                trailers.put(RETRY_AFTER, Long.toString(ApiErrors.of(e).retryAfterSeconds()));
                yield Status.RESOURCE_EXHAUSTED;
            }
            case EngineUnavailableException e -> {
                yield Status.UNAVAILABLE.withDescription(FileNames.withoutDirectories(e.getMessage()));
            }
            case DeadlineExceededException e -> Status.DEADLINE_EXCEEDED;
            case SynthesisCancelledException e -> Status.CANCELLED;
            case SynthesisException e -> {
                ApiErrors.of(e); // logs it
                yield Status.INTERNAL;
            }
        };
        return s.getDescription() != null ? s : s.withDescription(c.getMessage());
    }
}

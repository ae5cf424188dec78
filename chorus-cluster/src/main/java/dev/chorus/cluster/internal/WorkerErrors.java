package dev.chorus.cluster.internal;

import dev.chorus.tts.ChorusException;
import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.VoiceNotFoundException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.List;

/**
 * Carries the runtime's errors across the worker API: a worker answers each {@link ChorusException} with a gRPC
 * status (and, for invalid input, the parameter in a trailer), and the gateway turns it back into the same kind, so
 * a client of the gateway gets the answer a single process would give. {@link #retryable} says which statuses
 * mean "try another worker" rather than "this request is wrong".
 */
public final class WorkerErrors {

    private static final Metadata.Key<String> PARAM = Metadata.Key.of("chorus-param", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> RETRY_AFTER =
            Metadata.Key.of("chorus-retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

    private WorkerErrors() {
    }

    /** Returns the status a worker answers a runtime error with. */
    public static StatusRuntimeException toStatus(Throwable t) {
        Metadata trailers = new Metadata();
        Status s = switch (t) {
            case InvalidInputException e -> {
                if (e.param() != null) {
                    trailers.put(PARAM, e.param());
                }
                yield Status.INVALID_ARGUMENT;
            }
            case VoiceNotFoundException e -> Status.NOT_FOUND;
            case OverloadedException e -> {
                trailers.put(RETRY_AFTER, Long.toString(e.retryAfter() == null ? 1000 : e.retryAfter().toMillis()));
                yield Status.RESOURCE_EXHAUSTED;
            }
            case EngineUnavailableException e -> Status.UNAVAILABLE;
            case DeadlineExceededException e -> Status.DEADLINE_EXCEEDED;
            case SynthesisCancelledException e -> Status.CANCELLED;
            case SynthesisException e -> Status.INTERNAL;
            default -> Status.INTERNAL;
        };
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return s.withDescription(message).asRuntimeException(trailers);
    }

    /**
     * Tells whether a failed call may be run again on another worker: the worker went away, refused as draining
     * or full, lacks the voice version, or failed in transport. Refusals of the request itself are final.
     */
    public static boolean retryable(Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE, CANCELLED, UNKNOWN, ABORTED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, NOT_FOUND, INTERNAL -> true;
            default -> false;
        };
    }

    /** Returns the runtime error a worker's final status stands for. */
    public static ChorusException fromStatus(Status status, Metadata trailers, String voice) {
        String message = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> new InvalidInputException(
                    trailers == null || trailers.get(PARAM) == null ? "input" : trailers.get(PARAM), message);
            case NOT_FOUND -> new VoiceNotFoundException(voice, List.of());
            case RESOURCE_EXHAUSTED -> new OverloadedException(message, Duration.ofMillis(
                    trailers == null || trailers.get(RETRY_AFTER) == null ? 1000
                            : Long.parseLong(trailers.get(RETRY_AFTER))));
            case DEADLINE_EXCEEDED -> new DeadlineExceededException(message);
            case CANCELLED -> new SynthesisCancelledException(message);
            case UNAVAILABLE -> new OverloadedException("no worker could finish the request: " + message,
                    Duration.ofSeconds(1));
            default -> new SynthesisException("worker failed: " + message);
        };
    }
}

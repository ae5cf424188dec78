package dev.chorus.server;

import java.util.Map;

/**
 * A request error found by the server itself (bad JSON, an unknown model, an unsupported format), carrying what
 * the OpenAI error shape needs. Errors from the runtime stay {@code ChorusException}s; {@link ApiErrors} maps both.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String param;
    private final long retryAfterSeconds;
    private final Map<String, String> headers;

    ApiException(int status, String code, String param, String message) {
        this(status, code, param, message, 0, Map.of());
    }

    /**
     * Creates an error that also tells the client when to retry ({@code Retry-After}, in seconds; 0: no header)
     * and carries extra response headers (such as {@code RateLimit-Limit}).
     */
    ApiException(int status, String code, String param, String message, long retryAfterSeconds,
                 Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
        this.headers = Map.copyOf(headers);
    }

    /** Returns a 400 error about {@code param}. */
    static ApiException badRequest(String code, String param, String message) {
        return new ApiException(400, code, param, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String param() {
        return param;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    Map<String, String> headers() {
        return headers;
    }
}

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
    private final java.util.List<String> categories;
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
        this(status, code, param, message, retryAfterSeconds, headers, java.util.List.of());
    }

    private ApiException(int status, String code, String param, String message, long retryAfterSeconds,
                         Map<String, String> headers, java.util.List<String> categories) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
        this.headers = Map.copyOf(headers);
        this.categories = java.util.List.copyOf(categories);
    }

    /**
     * Returns the 422 error for input the content policy refuses, naming the categories but never the text.
     */
    static ApiException contentBlocked(java.util.List<String> categories) {
        return new ApiException(422, "content_blocked", "input", "input: refused by the content policy (category: "
                + String.join(", ", categories) + ")", 0, Map.of(), categories);
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

    /** Returns the content categories that refused the request; empty for other errors. */
    java.util.List<String> categories() {
        return categories;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    Map<String, String> headers() {
        return headers;
    }
}

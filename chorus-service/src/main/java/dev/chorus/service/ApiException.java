package dev.chorus.service;

import java.util.Map;

/**
 * A request error found by the pipeline or a front end (bad JSON, an unknown model, an unsupported format), carrying what
 * the OpenAI error shape needs. Errors from the runtime stay {@code ChorusException}s; {@link ApiErrors} maps both.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String param;
    private final java.util.List<String> categories;
    private final long retryAfterSeconds;
    private final Map<String, String> headers;

    /** Creates an error with HTTP-style {@code status}, a machine-readable {@code code} and the field at fault. */
    public ApiException(int status, String code, String param, String message) {
        this(status, code, param, message, 0, Map.of());
    }

    /**
     * Creates an error that also tells the client when to retry ({@code Retry-After}, in seconds; 0: no header)
     * and carries extra response headers (such as {@code RateLimit-Limit}).
     */
    public ApiException(int status, String code, String param, String message, long retryAfterSeconds,
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
    public static ApiException contentBlocked(java.util.List<String> categories) {
        return new ApiException(422, "content_blocked", "input", "input: refused by the content policy (category: "
                + String.join(", ", categories) + ")", 0, Map.of(), categories);
    }

    /**
     * Returns the 422 error for audio the speech back-check heard say what the content policy refuses, though
     * its input text did not: names the categories, never the words.
     */
    public static ApiException speechMismatch(java.util.List<String> categories) {
        return new ApiException(422, "speech_mismatch", "input", "input: the audio said words the content policy "
                + "refuses though the text did not (category: " + String.join(", ", categories) + "); refused by "
                + "the speech back-check", 0, Map.of(), categories);
    }

    /** Returns a 400 error about {@code param}. */
    public static ApiException badRequest(String code, String param, String message) {
        return new ApiException(400, code, param, message);
    }

    /** Returns the HTTP-style status: 400, 401, 403, 404, 413, 422, 429, 503. */
    public int status() {
        return status;
    }

    /** Returns the machine-readable error code, such as {@code rate_limit_exceeded}. */
    public String code() {
        return code;
    }

    /** Returns the request field at fault, or {@code null}. */
    public String param() {
        return param;
    }

    /** Returns the content categories that refused the request; empty for other errors. */
    public java.util.List<String> categories() {
        return categories;
    }

    /** Returns when the client may retry, in seconds; 0 for no advice. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Returns extra response metadata (such as {@code ratelimit-limit}). */
    public Map<String, String> headers() {
        return headers;
    }
}

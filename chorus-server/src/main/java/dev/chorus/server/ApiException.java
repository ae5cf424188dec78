package dev.chorus.server;

/**
 * A request error found by the server itself (bad JSON, an unknown model, an unsupported format), carrying what
 * the OpenAI error shape needs. Errors from the runtime stay {@code ChorusException}s; {@link ApiErrors} maps both.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String param;

    ApiException(int status, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
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
}

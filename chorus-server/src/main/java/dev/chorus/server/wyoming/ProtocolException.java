package dev.chorus.server.wyoming;

/**
 * A connection broke the framing of the protocol (a header that is not JSON, a section longer than the limits, a
 * stream that ends inside an event): the server answers with an {@code error} event and closes the connection,
 * since it can no longer tell where the next event starts.
 */
final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    ProtocolException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** Returns the machine-readable code sent in the {@code error} event. */
    String code() {
        return code;
    }
}

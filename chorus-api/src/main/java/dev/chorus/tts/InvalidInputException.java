package dev.chorus.tts;

/** The caller sent something Chorus cannot accept (empty text, text too long, a bad parameter). */
public final class InvalidInputException extends ChorusException {
    private static final long serialVersionUID = 1L;
    private final String param;

    /** Creates an error about the named request parameter ({@code null} if it is about the request as a whole). */
    public InvalidInputException(String param, String message) {
        super(message);
        this.param = param;
    }

    /** Returns the request parameter at fault, or {@code null}. */
    public String param() {
        return param;
    }

    @Override
    public String code() {
        return "invalid_input";
    }
}

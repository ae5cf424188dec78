package dev.chorus.tts;

/** The request's deadline passed before its audio was complete. */
public final class DeadlineExceededException extends ChorusException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "deadline_exceeded";
    }
}

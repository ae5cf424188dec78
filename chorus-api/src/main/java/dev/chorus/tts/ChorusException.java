package dev.chorus.tts;

/**
 * Base of every error Chorus reports to a caller. Each subtype maps to one protocol status, so adapters never
 * need to inspect messages.
 */
public abstract sealed class ChorusException extends RuntimeException
        permits InvalidInputException, VoiceNotFoundException, EngineUnavailableException, SynthesisException,
                SynthesisCancelledException, DeadlineExceededException, OverloadedException {

    private static final long serialVersionUID = 1L;

    protected ChorusException(String message) {
        super(message);
    }

    protected ChorusException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Returns a short, stable machine-readable code such as {@code invalid_input}. */
    public abstract String code();
}

package dev.chorus.tts;

/** An engine failed while synthesizing accepted input; a server-side fault, not the caller's. */
public final class SynthesisException extends ChorusException {
    private static final long serialVersionUID = 1L;

    public SynthesisException(String message) {
        super(message);
    }

    public SynthesisException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "synthesis_failed";
    }
}

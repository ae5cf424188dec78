package dev.chorus.tts;

/** The consumer cancelled the synthesis (for example, the client went away). */
public final class SynthesisCancelledException extends ChorusException {
    private static final long serialVersionUID = 1L;

    public SynthesisCancelledException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "cancelled";
    }
}

package dev.chorus.tts;

/** An engine cannot run here (a native library or model file is missing); the message says what to install. */
public final class EngineUnavailableException extends ChorusException {
    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message) {
        super(message);
    }

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "engine_unavailable";
    }
}

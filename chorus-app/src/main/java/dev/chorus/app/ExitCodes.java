package dev.chorus.app;

import dev.chorus.tts.ChorusException;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.VoiceNotFoundException;

/** Exit statuses of the {@code chorus} program, documented in the README. */
final class ExitCodes {
    /** Success. */
    static final int OK = 0;
    /** Synthesis failed inside an engine, or another unexpected error. */
    static final int FAILED = 1;
    /** Bad command line or bad input text (empty, too long, control characters). */
    static final int BAD_INPUT = 2;
    /** The voice asked for is not installed. */
    static final int VOICE_NOT_FOUND = 3;
    /** The engine the voice needs cannot run here. */
    static final int ENGINE_UNAVAILABLE = 4;
    /** An input file could not be read or the output could not be written. */
    static final int IO_ERROR = 5;

    private ExitCodes() {
    }

    static int of(ChorusException e) {
        return switch (e) {
            case InvalidInputException x -> BAD_INPUT;
            case VoiceNotFoundException x -> VOICE_NOT_FOUND;
            case EngineUnavailableException x -> ENGINE_UNAVAILABLE;
            default -> FAILED;
        };
    }
}

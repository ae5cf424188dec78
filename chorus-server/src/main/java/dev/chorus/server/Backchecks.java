package dev.chorus.server;

import dev.chorus.service.backcheck.Backcheck;
import dev.chorus.service.backcheck.BackcheckMode;
import dev.chorus.service.backcheck.BackcheckSettings;
import dev.chorus.service.safety.ContentSafety;
import io.micrometer.core.instrument.MeterRegistry;

/** Opens the server's speech back-check from its settings. */
final class Backchecks {

    private static final System.Logger LOG = System.getLogger(Backchecks.class.getName());

    private Backchecks() {
    }

    /**
     * Returns the back-check the settings ask for, with its recognizer open, or null when the mode is off.
     *
     * @throws dev.chorus.tts.EngineUnavailableException if the recognizer is not installed (the server does not
     *                                                   start: a check that was asked for is not silently off)
     */
    static Backcheck open(BackcheckSettings settings, ContentSafety safety, MeterRegistry meters) {
        if (settings.mode() == BackcheckMode.OFF) {
            return null;
        }
        Backcheck check = Backcheck.create(settings, Backcheck.openRecognizer(settings), safety, meters);
        LOG.log(System.Logger.Level.INFO, "speech back-check: " + settings.mode().id()
                + (settings.mode() == BackcheckMode.SAMPLED ? " (" + settings.sampleFraction() + " of requests)" : "")
                + " with " + check.recognizer().description());
        return check;
    }
}

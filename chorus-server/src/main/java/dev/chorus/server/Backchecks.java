package dev.chorus.server;

import dev.chorus.service.backcheck.Backcheck;
import dev.chorus.service.backcheck.BackcheckMode;
import dev.chorus.service.backcheck.BackcheckSettings;
import dev.chorus.service.backcheck.ReleaseGate;
import dev.chorus.service.backcheck.ReleaseGateSettings;
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

    /**
     * Sets the registry's voice release gate as the settings say (nothing when it is off). At {@code recognize} it
     * listens with the back-check's recognizer, or opens one of its own (returned: the caller closes it).
     *
     * @param check the server's back-check, or null when it is off
     * @return the recognizer opened for the gate alone, or null
     * @throws dev.chorus.tts.EngineUnavailableException if {@code recognize} is asked for and the recognizer is not
     *                                                   installed
     */
    static dev.chorus.asr.Recognizer installReleaseGate(ReleaseGateSettings gate, BackcheckSettings backcheck,
                                                        Backcheck check, dev.chorus.runtime.EngineRegistry registry,
                                                        MeterRegistry meters) {
        if (gate.level() == ReleaseGateSettings.Level.OFF) {
            return null;
        }
        dev.chorus.asr.Recognizer own = null;
        dev.chorus.asr.Recognizer recognizer = null;
        if (gate.level() == ReleaseGateSettings.Level.RECOGNIZE) {
            recognizer = check != null ? check.recognizer() : (own = Backcheck.openRecognizer(backcheck));
        }
        registry.releaseGate(new ReleaseGate(gate, recognizer, meters));
        LOG.log(System.Logger.Level.INFO, "voice release gate: " + gate.level().id()
                + (recognizer != null ? " with " + recognizer.description() + ", word error rate at most "
                + gate.maxWer() : ""));
        return own;
    }
}

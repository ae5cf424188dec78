package dev.chorus.app;

import dev.chorus.service.backcheck.BackcheckMode;
import dev.chorus.service.backcheck.BackcheckSettings;
import dev.chorus.service.backcheck.ReleaseGateSettings;

import java.util.HashMap;
import java.util.Map;

/** Reads the {@code backcheck.*} settings (docs/backcheck.md). */
final class BackcheckSettingsReader {

    private BackcheckSettingsReader() {
    }

    /** Returns the back-check's settings; off when {@code backcheck.mode} is unset. */
    static BackcheckSettings read(SourcedSettings s) {
        BackcheckMode mode = s.has("backcheck.mode")
                ? s.guard("backcheck.mode", () -> BackcheckMode.parse(s.string("backcheck.mode")))
                : BackcheckMode.OFF;
        double fraction = s.has("backcheck.sample-fraction") ? s.guard("backcheck.sample-fraction",
                () -> fraction(s.string("backcheck.sample-fraction"))) : BackcheckSettings.OFF.sampleFraction();
        String recognizer = s.has("backcheck.recognizer") ? s.string("backcheck.recognizer").strip()
                : BackcheckSettings.OFF.recognizer();
        int workers = s.has("backcheck.workers") ? s.integer("backcheck.workers") : BackcheckSettings.OFF.workers();
        Map<String, String> own = new HashMap<>();
        String prefix = "backcheck." + recognizer + ".";
        for (String key : s.keys()) {
            if (key.startsWith(prefix)) {
                own.put(key.substring(prefix.length()), s.string(key));
            }
        }
        BackcheckSettings base = BackcheckSettings.OFF;
        return s.guard("backcheck.workers", () -> new BackcheckSettings(mode, fraction, recognizer, own, workers,
                base.queue(), base.maxSeconds()));
    }

    /** Returns the voice release gate's settings; off when {@code backcheck.release-gate} is unset. */
    static ReleaseGateSettings releaseGate(SourcedSettings s) {
        ReleaseGateSettings.Level level = s.has("backcheck.release-gate") ? s.guard("backcheck.release-gate",
                () -> ReleaseGateSettings.Level.parse(s.string("backcheck.release-gate")))
                : ReleaseGateSettings.OFF.level();
        double maxWer = s.has("backcheck.release-gate-max-wer") ? s.guard("backcheck.release-gate-max-wer",
                () -> fraction("backcheck.release-gate-max-wer", s.string("backcheck.release-gate-max-wer")))
                : ReleaseGateSettings.OFF.maxWer();
        return s.guard("backcheck.release-gate-max-wer", () -> new ReleaseGateSettings(level, maxWer));
    }

    private static double fraction(String value) {
        return fraction("backcheck.sample-fraction", value);
    }

    private static double fraction(String key, String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: a number from 0 to 1)");
        }
    }
}

package dev.chorus.app;

import dev.chorus.service.backcheck.BackcheckMode;
import dev.chorus.service.backcheck.BackcheckSettings;

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

    private static double fraction(String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("backcheck.sample-fraction: '" + value + "' (expected: a number from"
                    + " 0 to 1)");
        }
    }
}

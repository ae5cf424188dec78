package dev.chorus.app;

import dev.chorus.service.quality.MosSettings;

import java.nio.file.Path;
import java.util.Map;

/** Reads the {@code quality.mos.*} settings (docs/backcheck.md, "Quality estimate"). */
final class MosSettingsReader {

    private MosSettingsReader() {
    }

    /** Returns the quality estimate's settings; off when {@code quality.mos.model} is unset. */
    static MosSettings read(SourcedSettings s) {
        MosSettings base = MosSettings.OFF;
        Path model = s.has("quality.mos.model") && !s.string("quality.mos.model").isBlank()
                ? Path.of(s.string("quality.mos.model").strip()) : null;
        String predictor = s.has("quality.mos.predictor") ? s.string("quality.mos.predictor").strip()
                : base.predictor();
        double fraction = s.has("quality.mos.sample-fraction") ? s.guard("quality.mos.sample-fraction",
                () -> fraction(s.string("quality.mos.sample-fraction"))) : base.sampleFraction();
        int workers = s.has("quality.mos.workers") ? s.integer("quality.mos.workers") : base.workers();
        Map<String, String> own = s.has("quality.mos.personalized")
                ? Map.of("personalized", s.string("quality.mos.personalized").strip()) : Map.of();
        return s.guard("quality.mos.workers", () -> new MosSettings(model, predictor, own, fraction, workers,
                base.queue(), base.maxSeconds()));
    }

    private static double fraction(String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("quality.mos.sample-fraction: '" + value + "' (expected: a number "
                    + "from 0 to 1)");
        }
    }
}

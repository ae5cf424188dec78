package dev.chorus.server;

import dev.chorus.service.backcheck.Backcheck;
import dev.chorus.service.quality.MosEstimates;
import dev.chorus.service.quality.MosSettings;
import io.micrometer.core.instrument.MeterRegistry;

/** Opens the server's quality estimate (MOS) from its settings. */
final class QualityEstimates {

    private static final System.Logger LOG = System.getLogger(QualityEstimates.class.getName());

    private QualityEstimates() {
    }

    /**
     * Returns the estimate the settings ask for, with its predictor open, or null when no model is set.
     *
     * @param opened what the server opened before it, closed when this fails (the server then does not start)
     * @throws dev.chorus.tts.EngineUnavailableException if the predictor is not installed or the model is unusable
     */
    static MosEstimates open(MosSettings settings, MeterRegistry meters, Backcheck opened) {
        try {
            MosEstimates m = MosEstimates.open(settings, meters).orElse(null);
            if (m != null) {
                LOG.log(System.Logger.Level.INFO, "quality estimate: " + m.predictor().description() + " on "
                        + settings.sampleFraction() + " of responses");
            }
            return m;
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            throw e;
        }
    }
}

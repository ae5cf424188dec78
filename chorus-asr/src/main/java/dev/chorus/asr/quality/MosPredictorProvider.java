package dev.chorus.asr.quality;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens a family of quality predictors on a model file; found through {@link ServiceLoader}.
 */
public interface MosPredictorProvider {

    /** Returns the family's id, such as {@code dnsmos}. */
    String id();

    /**
     * Opens a predictor on {@code model} that runs up to {@code workers} predictions at once, with the family's
     * own {@code settings}.
     *
     * @throws dev.chorus.tts.EngineUnavailableException if the model is missing or does not fit, naming the file
     *                                                   and what is missing
     * @throws IllegalArgumentException                  for an unknown or malformed setting
     */
    MosPredictor open(Path model, int workers, Map<String, String> settings);

    /**
     * Opens the predictor of the installed family {@code id}.
     *
     * @throws dev.chorus.tts.EngineUnavailableException if no such family is installed, or its model is unusable
     */
    static MosPredictor open(String id, Path model, int workers, Map<String, String> settings) {
        for (MosPredictorProvider p : ServiceLoader.load(MosPredictorProvider.class)) {
            if (p.id().equals(id)) {
                return p.open(model, workers, settings);
            }
        }
        throw new dev.chorus.tts.EngineUnavailableException("quality.mos.predictor: '" + id + "' is not installed "
                + "(expected: dnsmos, from the module chorus-asr-dnsmos)");
    }
}

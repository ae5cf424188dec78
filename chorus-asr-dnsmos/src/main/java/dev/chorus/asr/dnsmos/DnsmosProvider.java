package dev.chorus.asr.dnsmos;

import dev.chorus.asr.dnsmos.internal.DnsmosPredictor;
import dev.chorus.asr.quality.MosPredictor;
import dev.chorus.asr.quality.MosPredictorProvider;

import java.nio.file.Path;
import java.util.Map;

/**
 * Predicted mean opinion scores from a model of the DNSMOS P.835 interface ({@code sig_bak_ovr.onnx} from
 * Microsoft's DNS Challenge, or pDNSMOS's): 9.01 s of 16 kHz audio in, raw SIG, BAK and OVRL out, calibrated with
 * DNSMOS's polynomials. Settings: {@code personalized} ({@code true} for a pDNSMOS model, which has its own
 * polynomials; default {@code false}).
 */
public final class DnsmosProvider implements MosPredictorProvider {

    /** The family's id. */
    public static final String ID = "dnsmos";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public MosPredictor open(Path model, int workers, Map<String, String> settings) {
        return DnsmosPredictor.open(model, workers, settings);
    }
}

/**
 * The {@code dnsmos} quality predictor: a DNSMOS P.835 model ({@code sig_bak_ovr.onnx}) on ONNX Runtime.
 */
module dev.chorus.asr.dnsmos {
    requires transitive dev.chorus.asr;
    requires dev.chorus.onnx;
    requires dev.chorus.audio;

    exports dev.chorus.asr.dnsmos;

    provides dev.chorus.asr.quality.MosPredictorProvider with dev.chorus.asr.dnsmos.DnsmosProvider;
}

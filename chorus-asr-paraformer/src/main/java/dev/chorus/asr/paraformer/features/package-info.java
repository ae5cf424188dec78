/**
 * Speech features as Paraformer models are trained on them: Kaldi-compatible log mel filter banks
 * ({@link dev.chorus.asr.paraformer.features.Fbank}) stacked to a lower frame rate and normalized
 * ({@link dev.chorus.asr.paraformer.features.LowFrameRate}).
 */
package dev.chorus.asr.paraformer.features;

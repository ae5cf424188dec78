/**
 * Speech quality estimates behind one SPI: a {@link dev.chorus.asr.quality.MosPredictor} (opened by a
 * {@link dev.chorus.asr.quality.MosPredictorProvider} on a model the user supplies) turns audio into a predicted mean
 * opinion score, {@link dev.chorus.asr.quality.MosScore}.
 */
package dev.chorus.asr.quality;

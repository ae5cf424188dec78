/**
 * Speech recognition behind one SPI: a {@link dev.chorus.asr.Recognizer} turns 16-bit PCM into
 * {@link dev.chorus.asr.RecognizedWord}s with times and confidence; {@link dev.chorus.asr.WordErrorRate} and
 * {@link dev.chorus.asr.ScoringText} score a transcript against the text that was spoken.
 */
package dev.chorus.asr;

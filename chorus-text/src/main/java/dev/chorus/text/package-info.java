/**
 * Prepares user text for synthesis: {@link dev.chorus.text.TextNormalizer} cleans it up,
 * {@link dev.chorus.text.SentenceChunker} cuts it into sentence-sized chunks, and
 * {@link dev.chorus.text.TextPipeline} runs both.
 */
package dev.chorus.text;

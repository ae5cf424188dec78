/**
 * Batching of concurrent model runs: {@link dev.chorus.onnx.batch.Batcher} groups the sentences that threads submit
 * at the same time into one run per length bucket, for engines whose models take a batch dimension.
 */
package dev.chorus.onnx.batch;

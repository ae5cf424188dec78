/**
 * What ONNX voices share on the way from model output to the sink: PCM delivery with events in place, word
 * timings from per-token durations, and the word spans of a chunk's text.
 */
package dev.chorus.onnx.speech;

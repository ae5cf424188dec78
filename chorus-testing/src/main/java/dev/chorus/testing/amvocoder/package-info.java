/**
 * Generators of tiny acoustic-model + vocoder test voices: Matcha- and FastSpeech2-style acoustic models and
 * HiFi-GAN- and Vocos-style vocoders with the interfaces and metadata sherpa-onnx uses, whose audio length is a known
 * function of the input.
 */
package dev.chorus.testing.amvocoder;

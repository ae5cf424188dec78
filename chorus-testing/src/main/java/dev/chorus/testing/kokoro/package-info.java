/**
 * Generators of tiny Kokoro test models: the real Kokoro v1.0 interface, the sherpa-onnx metadata and voice files,
 * and audio whose length and level are known functions of the input.
 */
package dev.chorus.testing.kokoro;

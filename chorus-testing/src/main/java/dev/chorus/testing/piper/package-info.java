/**
 * Tiny Piper voices written in code (ONNX model and config), whose audio is predictable: for tests and benchmarks
 * of the engine without downloading a real voice.
 */
package dev.chorus.testing.piper;

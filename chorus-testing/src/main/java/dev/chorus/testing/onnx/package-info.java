/** A small writer of ONNX models, for generated test models of any family. */
package dev.chorus.testing.onnx;

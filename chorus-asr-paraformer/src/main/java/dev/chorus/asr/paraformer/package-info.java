/** The {@code paraformer} recognizer: Chinese (and other languages) speech recognition on a Paraformer model. */
package dev.chorus.asr.paraformer;

/** The providers of the acoustic model + vocoder engines, {@code matcha} and {@code fastspeech2}. */
package dev.chorus.engine.amvocoder;

/** The acoustic model + vocoder engines' implementation: directories, sessions, the hand-off, the inverse STFT. */
package dev.chorus.engine.amvocoder.internal;

/**
 * Audio processing for mono 16-bit PCM: {@link dev.chorus.audio.Resampler} converts between sample rates as the
 * audio streams, {@link dev.chorus.audio.AudioEncoder} turns samples into the bytes of an
 * {@link dev.chorus.tts.AudioEncoding}, and {@link dev.chorus.audio.WavFiles} reads and writes whole WAV files.
 */
package dev.chorus.audio;

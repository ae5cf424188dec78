/**
 * Audio processing for mono 16-bit PCM: {@link dev.chorus.audio.Resampler} converts between sample rates as the
 * audio streams, {@link dev.chorus.audio.AudioEncoder} turns samples into the bytes of an
 * {@link dev.chorus.tts.AudioEncoding} (configured by {@link dev.chorus.audio.EncoderOptions}, with
 * {@link dev.chorus.audio.AudioEncoders} telling which are available), the {@link dev.chorus.audio.SampleProcessor}s
 * {@link dev.chorus.audio.TimeStretch}, {@link dev.chorus.audio.PitchShift} and {@link dev.chorus.audio.Gain}
 * change speed, pitch and volume, and {@link dev.chorus.audio.WavFiles} reads and writes whole WAV files.
 */
package dev.chorus.audio;

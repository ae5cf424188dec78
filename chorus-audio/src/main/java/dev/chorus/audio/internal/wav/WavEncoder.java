package dev.chorus.audio.internal.wav;

import dev.chorus.audio.internal.pcm.PcmEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.OutputStream;

/** Writes a streamed WAV: a header with unknown (0xFFFFFFFF) lengths, then the samples as they arrive. */
public final class WavEncoder extends PcmEncoder {

    /** Creates an encoder writing to {@code out} at {@code sampleRate}, both validated by the caller. */
    public WavEncoder(int sampleRate, OutputStream out) {
        super(AudioEncoding.WAV, sampleRate, out, 2);
    }

    @Override
    protected byte[] header(long sampleCount) {
        return sampleCount < 0 ? WavHeader.streaming(sampleRate()) : WavHeader.of(sampleRate(), sampleCount);
    }
}

package dev.chorus.service;

import dev.chorus.audio.WavFiles;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.tts.AudioEncoding;

import java.io.ByteArrayOutputStream;

/**
 * An output for front ends that answer with the whole audio at once (a unary call): collects the encoded runs
 * and, once the length is known, gives the audio with its final header. Streamed WAV carries "length unknown" in
 * its header; {@link #finalHeader} is the one place that writes the real lengths, for this class and for files.
 */
public abstract class CompleteAudio implements AudioOutput {

    private final AudioEncoding encoding;
    private final ByteArrayOutputStream audio = new ByteArrayOutputStream();

    /** Creates an output that collects audio encoded as {@code encoding}. */
    protected CompleteAudio(AudioEncoding encoding) {
        this.encoding = encoding;
    }

    /**
     * Returns the header that replaces the first bytes of a finished stream of {@code encoding} now that its
     * length is known, or {@code null} when the format has no lengths to fix.
     */
    public static byte[] finalHeader(AudioEncoding encoding, SynthesisSummary summary) {
        return encoding == AudioEncoding.WAV ? WavFiles.header(summary.sampleRate(), summary.samples()) : null;
    }

    @Override
    public final void audio(byte[] bytes, long firstSample) {
        audio.writeBytes(bytes);
    }

    @Override
    public final void complete(byte[] tail, SynthesisSummary summary) {
        audio.writeBytes(tail);
        byte[] all = audio.toByteArray();
        byte[] header = finalHeader(encoding, summary);
        if (header != null && all.length >= header.length) {
            System.arraycopy(header, 0, all, 0, header.length);
        }
        whole(all, summary);
    }

    /** Receives the whole encoded audio, its header final, and the totals. */
    protected abstract void whole(byte[] audio, SynthesisSummary summary);
}

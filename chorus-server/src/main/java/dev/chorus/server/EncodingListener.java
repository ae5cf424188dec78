package dev.chorus.server;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.runtime.Timing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes a synthesis as it arrives and hands each run of encoded bytes to an {@link AudioOutput}. The runtime
 * calls it one callback at a time, so it needs no locking.
 */
final class EncodingListener implements SynthesisListener {

    private final AudioEncoding encoding;
    private final AudioOutput output;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
    private AudioEncoder encoder;
    private long samples;

    EncodingListener(AudioEncoding encoding, AudioOutput output) {
        this.encoding = encoding;
        this.output = output;
    }

    @Override
    public void onStart(VoiceInfo voice, int sampleRate, int chunks) {
        encoder = AudioEncoder.create(encoding, sampleRate, buffer);
        output.start(voice, sampleRate);
    }

    @Override
    public void onAudio(short[] pcm, int offset, int length) {
        try {
            encoder.write(pcm, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long first = samples;
        samples += length;
        if (buffer.size() > 0) {
            output.audio(drain(), first);
        }
    }

    @Override
    public void onTiming(Timing event) {
        output.event(event);
    }

    @Override
    public void onComplete(SynthesisSummary summary) {
        try {
            encoder.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        output.complete(drain(), summary);
    }

    @Override
    public void onError(ChorusException error) {
        output.error(error);
    }

    private byte[] drain() {
        byte[] b = buffer.toByteArray();
        buffer.reset();
        return b;
    }
}

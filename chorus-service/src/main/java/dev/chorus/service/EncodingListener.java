package dev.chorus.service;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.audio.EncoderOptions;
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
public final class EncodingListener implements SynthesisListener {

    /** The most encoded bytes held back within a sentence after the first audio went out. */
    static final int COALESCE_BYTES = 32 * 1024;

    private final AudioEncoding encoding;
    private final EncoderOptions options;
    private final AudioOutput output;
    private final SpeechTelemetry telemetry;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
    private AudioEncoder encoder;
    private long samples;
    private long pendingFrom;
    private boolean sent;

    /** Creates a listener that encodes as {@code encoding} into {@code output}. */
    public EncodingListener(AudioEncoding encoding, EncoderOptions options, AudioOutput output) {
        this(encoding, options, output, SpeechTelemetry.NONE);
    }

    /** Creates a listener that also reports encode time, first audio and the outcome to {@code telemetry}. */
    public EncodingListener(AudioEncoding encoding, EncoderOptions options, AudioOutput output,
                            SpeechTelemetry telemetry) {
        this.encoding = encoding;
        this.options = options;
        this.output = output;
        this.telemetry = java.util.Objects.requireNonNull(telemetry, "telemetry");
    }

    @Override
    public void onWarning(String warning) {
        output.warning(warning);
    }

    @Override
    public void onStart(VoiceInfo voice, int sampleRate, int chunks) {
        encoder = AudioEncoder.create(encoding, sampleRate, buffer, options);
        output.start(voice, sampleRate);
        output.progress(0, chunks);
    }

    @Override
    public void onAudio(short[] pcm, int offset, int length) {
        long t0 = System.nanoTime();
        try {
            encoder.write(pcm, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        encoded(t0);
        if (buffer.size() == 0) {
            pendingFrom = samples;
        }
        samples += length;
        // The first audio goes out at once (time to first audio); later runs gather up to a sentence's end or
        // COALESCE_BYTES, so a stream costs a few writes per sentence rather than one per engine callback.
        if (buffer.size() > 0 && (!sent || buffer.size() >= COALESCE_BYTES)) {
            firstAudio();
            output.audio(drain(), pendingFrom);
            pendingFrom = samples;
        }
    }

    @Override
    public void onTiming(Timing event) {
        output.event(event);
    }

    /** A sentence (or pause) is complete: push out what the encoder holds, so each sentence streams whole. */
    @Override
    public void onChunkDone(int index, int chunks) {
        long t0 = System.nanoTime();
        try {
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        encoded(t0);
        if (buffer.size() > 0) {
            firstAudio();
            output.audio(drain(), pendingFrom);
        }
        pendingFrom = samples;
        output.progress(index + 1, chunks);
    }

    @Override
    public void onComplete(SynthesisSummary summary) {
        long t0 = System.nanoTime();
        try {
            encoder.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        encoded(t0);
        firstAudio();
        telemetry.completed(summary);
        output.complete(drain(), summary);
    }

    private void encoded(long t0) {
        telemetry.encoded(System.nanoTime() - t0);
    }

    private void firstAudio() {
        telemetry.firstAudio();
    }

    @Override
    public void onError(ChorusException error) {
        if (encoder != null) {
            try {
                encoder.close();
            } catch (RuntimeException ignored) {
                // The request already failed; an encoder that cannot finish (an ffmpeg process) is just dropped.
            }
        }
        telemetry.failed(error);
        output.error(error);
    }

    @Override
    public boolean ready() {
        return output.writable();
    }

    @Override
    public void whenReady(Runnable resume) {
        output.whenWritable(resume);
    }

    private byte[] drain() {
        sent = true;
        byte[] b = buffer.toByteArray();
        buffer.reset();
        return b;
    }
}

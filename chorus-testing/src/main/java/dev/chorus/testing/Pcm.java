package dev.chorus.testing;

import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Measurements on mono PCM16 audio, and a sink that collects it, for assertions in tests. */
public final class Pcm {

    private Pcm() {
    }

    /** Returns the RMS level of {@code samples} relative to full scale (0.0 silent, ~0.707 a full-scale sine). */
    public static double rms(short[] samples) {
        if (samples.length == 0) {
            return 0;
        }
        double sum = 0;
        for (short s : samples) {
            double v = s / 32768.0;
            sum += v * v;
        }
        return Math.sqrt(sum / samples.length);
    }

    /** Returns the duration in seconds of {@code samples} at {@code sampleRate}. */
    public static double seconds(short[] samples, int sampleRate) {
        return samples.length / (double) sampleRate;
    }

    /**
     * Estimates the dominant frequency of {@code samples} from its zero crossings, in Hz; good for pure tones.
     */
    public static double zeroCrossingFrequency(short[] samples, int sampleRate) {
        int crossings = 0;
        for (int i = 1; i < samples.length; i++) {
            if ((samples[i - 1] < 0) != (samples[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / seconds(samples, sampleRate);
    }

    /** Returns little-endian bytes of {@code samples}. */
    public static byte[] toBytes(short[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }

    /** Returns samples decoded from little-endian PCM16 bytes. */
    public static short[] fromBytes(byte[] bytes, int offset, int length) {
        short[] out = new short[length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) ((bytes[offset + 2 * i] & 0xff) | (bytes[offset + 2 * i + 1] << 8));
        }
        return out;
    }

    /** An {@link AudioSink} that keeps everything it is given; optionally stops after some number of buffers. */
    public static final class Collector implements AudioSink {
        private final ByteArrayOutputStream audio = new ByteArrayOutputStream();
        private final List<SynthesisEvent> events = new ArrayList<>();
        private final int stopAfterBuffers;
        private int buffers;
        private volatile boolean calledAfterStop;
        private boolean stopped;

        /** Creates a collector that never stops the engine. */
        public Collector() {
            this(Integer.MAX_VALUE);
        }

        /** Creates a collector that returns STOP on the {@code stopAfterBuffers}-th audio buffer. */
        public Collector(int stopAfterBuffers) {
            this.stopAfterBuffers = stopAfterBuffers;
        }

        @Override
        public synchronized Action onAudio(short[] samples, int offset, int length) {
            if (stopped) {
                calledAfterStop = true;
                return Action.STOP;
            }
            audio.writeBytes(toBytes(Arrays.copyOfRange(samples, offset, offset + length)));
            if (++buffers >= stopAfterBuffers) {
                stopped = true;
                return Action.STOP;
            }
            return Action.CONTINUE;
        }

        @Override
        public synchronized Action onEvent(SynthesisEvent event) {
            if (stopped) {
                calledAfterStop = true;
                return Action.STOP;
            }
            events.add(event);
            return Action.CONTINUE;
        }

        /** Returns the audio received so far. */
        public synchronized short[] samples() {
            byte[] b = audio.toByteArray();
            return fromBytes(b, 0, b.length);
        }

        /** Returns the events received so far. */
        public synchronized List<SynthesisEvent> events() {
            return List.copyOf(events);
        }

        /** Returns how many audio buffers arrived. */
        public synchronized int buffers() {
            return buffers;
        }

        /** Returns whether the engine called the sink after it had returned STOP. */
        public boolean calledAfterStop() {
            return calledAfterStop;
        }
    }
}

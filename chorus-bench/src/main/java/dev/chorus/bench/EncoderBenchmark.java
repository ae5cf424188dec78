package dev.chorus.bench;

import dev.chorus.testing.Signals;
import dev.chorus.audio.AudioEncoder;
import dev.chorus.audio.AudioEncoders;
import dev.chorus.tts.AudioEncoding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Speed of each encoder on one thread: every operation encodes 10 s of a speech-like signal at 24000 Hz (8000 Hz
 * for the G.711 formats) with default options, written in 100 ms pieces and flushed every second, as the
 * runtime streams a response. Operations per second times 10 is the speed as a multiple of real time. AAC runs
 * ffmpeg, so its figure includes starting the process, once per operation as once per response.
 *
 * <p>Run: {@code scripts/bench.sh EncoderBenchmark}; {@code -p format=mp3,opus} picks formats. The
 * {@link #main} method prints the bytes each format produces per second of audio instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class EncoderBenchmark {

    private static final int RATE = 24000;
    private static final double SECONDS = 10;

    @Param({"wav", "pcm", "mp3", "opus", "flac", "aac", "mulaw", "alaw", "wav_mulaw", "wav_alaw"})
    public String format;

    private AudioEncoding encoding;
    private int rate;
    private short[] audio;

    @Setup(Level.Trial)
    public void prepare() {
        encoding = AudioEncoding.parse(format);
        if (!AudioEncoders.available(encoding)) {
            throw new IllegalStateException(AudioEncoders.unavailableReason(encoding).orElse(format));
        }
        rate = encoding.outputRate(0, RATE);
        audio = Signals.speechLike(rate, SECONDS, 1);
    }

    @Benchmark
    public long encode10Seconds() throws IOException {
        return encode(encoding, rate, audio);
    }

    /** Encodes {@code audio} as the runtime would and returns the number of bytes written. */
    static long encode(AudioEncoding encoding, int rate, short[] audio) throws IOException {
        CountingStream out = new CountingStream();
        int piece = rate / 10;
        try (AudioEncoder encoder = AudioEncoder.create(encoding, rate, out)) {
            for (int i = 0, writes = 0; i < audio.length; i += piece) {
                encoder.write(audio, i, Math.min(piece, audio.length - i));
                if (++writes % 10 == 0) {
                    encoder.flush();
                }
            }
            encoder.finish();
        }
        return out.bytes;
    }

    /** Prints, for every available format, the bytes per second of audio and the bitrate it produces. */
    public static void main(String[] args) throws IOException {
        System.out.printf("%-10s %8s %12s %10s%n", "format", "rate", "bytes/s", "kbit/s");
        for (AudioEncoding encoding : AudioEncoding.values()) {
            if (!AudioEncoders.available(encoding)) {
                System.out.printf("%-10s unavailable: %s%n", encoding.id(),
                        AudioEncoders.unavailableReason(encoding).orElse(""));
                continue;
            }
            int rate = encoding.outputRate(0, RATE);
            short[] audio = Signals.speechLike(rate, SECONDS, 1);
            long bytes = encode(encoding, rate, audio);
            double perSecond = bytes / SECONDS;
            System.out.printf("%-10s %8d %12.0f %10.1f%n", encoding.id(), rate, perSecond, perSecond * 8 / 1000);
        }
    }

    private static final class CountingStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}

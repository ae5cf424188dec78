package dev.chorus.bench;

import dev.chorus.audio.SignalQuality;
import dev.chorus.testing.Signals;
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

import java.util.concurrent.TimeUnit;

/**
 * Cost of the always-on signal checks ({@link SignalQuality.Meter}) per 10 s of audio at 22050 Hz, fed in 50 ms
 * pieces as an engine delivers them: {@code continuous} is a speech-like signal with noise throughout;
 * {@code pauses} alternates one second of it with one second of digital silence, as engines pad their pauses.
 * Both should cost the same: a meter whose filters slow down in silence shows up as a gap between the two.
 *
 * <p>Run: {@code scripts/bench.sh SignalQualityBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SignalQualityBenchmark {

    private static final int RATE = 22_050;

    @Param({"continuous", "pauses"})
    public String signal;

    private short[] audio;

    @Setup(Level.Trial)
    public void prepare() {
        short[] speech = Signals.speechLike(RATE, 10, 1);
        audio = speech;
        if (signal.equals("pauses")) {
            audio = speech.clone();
            for (int i = 0; i < audio.length; i++) {
                if ((i / RATE) % 2 == 1) {
                    audio[i] = 0;
                }
            }
        }
    }

    @Benchmark
    public SignalQuality measure10Seconds() {
        SignalQuality.Meter meter = new SignalQuality.Meter(RATE);
        int piece = RATE / 20;
        for (int i = 0; i < audio.length; i += piece) {
            meter.accept(audio, i, Math.min(piece, audio.length - i));
        }
        return meter.result();
    }
}

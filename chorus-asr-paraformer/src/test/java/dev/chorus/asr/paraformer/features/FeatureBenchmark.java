package dev.chorus.asr.paraformer.features;

import java.util.Arrays;
import java.util.Random;

/**
 * Measures the cost of Paraformer's features per second of audio on one thread: fbank, then low frame rate stacking
 * with CMVN, over {@code seconds} of 16 kHz audio (tones and noise), {@code rounds} times after as many warm-up
 * rounds; prints the median and the spread of wall time and of the process's CPU time (which a busy machine inflates
 * less; it includes the collector's and compiler's threads), in milliseconds per second of audio (figures in docs/benchmarks.md).
 * Run with the test class path: {@code java -cp ... dev.chorus.asr.paraformer.features.FeatureBenchmark 10 30}.
 */
public final class FeatureBenchmark {

    private FeatureBenchmark() {
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Random random = new Random(1);
        float[] audio = new float[seconds * Fbank.SAMPLE_RATE];
        for (int i = 0; i < audio.length; i++) {
            double t = i / (double) Fbank.SAMPLE_RATE;
            audio[i] = (float) (4000 * Math.sin(2 * Math.PI * (150 + 50 * Math.sin(t)) * t)
                    + 1500 * Math.sin(2 * Math.PI * 1200 * t) + 300 * random.nextGaussian());
        }
        float[] ones = new float[560];
        Arrays.fill(ones, 1f);
        LowFrameRate lfr = LowFrameRate.of(7, 6, Fbank.BINS, new float[560], ones);
        double[] fbankMs = new double[rounds];
        double[] lfrMs = new double[rounds];
        double[] fbankCpu = new double[rounds];
        double[] lfrCpu = new double[rounds];
        double sink = 0;
        for (int r = -rounds; r < rounds; r++) {
            long ca = cpuNanos();
            long a = System.nanoTime();
            float[] f = Fbank.compute(audio);
            long b = System.nanoTime();
            long cb = cpuNanos();
            float[] out = lfr.apply(f, Fbank.frames(audio.length));
            long c = System.nanoTime();
            long cc = cpuNanos();
            sink += out[out.length / 2];
            if (r >= 0) {
                fbankMs[r] = (b - a) / 1e6 / seconds;
                lfrMs[r] = (c - b) / 1e6 / seconds;
                fbankCpu[r] = (cb - ca) / 1e6 / seconds;
                lfrCpu[r] = (cc - cb) / 1e6 / seconds;
            }
        }
        for (double[] a : new double[][] {fbankMs, lfrMs, fbankCpu, lfrCpu}) {
            Arrays.sort(a);
        }
        System.out.printf("audio %d s, %d rounds (after %d warm-up), ms per second of audio:%n", seconds, rounds,
                rounds);
        System.out.printf("fbank      median %.3f  min %.3f  max %.3f%n", fbankMs[rounds / 2], fbankMs[0],
                fbankMs[rounds - 1]);
        System.out.printf("lfr+cmvn   median %.3f  min %.3f  max %.3f%n", lfrMs[rounds / 2], lfrMs[0],
                lfrMs[rounds - 1]);
        System.out.printf("cpu fbank  median %.3f  min %.3f  max %.3f%n", fbankCpu[rounds / 2], fbankCpu[0],
                fbankCpu[rounds - 1]);
        System.out.printf("cpu lfr    median %.3f  min %.3f  max %.3f%n", lfrCpu[rounds / 2], lfrCpu[0],
                lfrCpu[rounds - 1]);
        System.out.printf("(checksum %.1f)%n", sink);
    }
}

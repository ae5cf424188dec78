package dev.chorus.engine.amvocoder.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.chorus.engine.amvocoder.AmFixture;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.amvocoder.AmVocoderTestModels;
import dev.chorus.testing.amvocoder.AmVocoderTestModels.Acoustic;
import dev.chorus.testing.amvocoder.AmVocoderTestModels.Vocoder;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acoustic model + vocoder synthesis on generated models: exact sample counts (HiFi-GAN and Vocos), speed, the
 * layouts recognised by metadata whatever the file names, broken directories named, and the mel handed to the
 * vocoder without a Java copy.
 */
@Timeout(60)
class AmSynthesisTest {

    /** Six symbols of the vocabulary; with the pad between and around them (add_blank), 13 ids. */
    private static final String HELLO = "hɛlˈoʊ";

    private static short[] speak(Voice v, String ipa, double speed) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(v.synthesizePhonemes(ipa, SynthesisOptions.defaults().withSpeed(speed), sink)).isTrue();
        return sink.samples();
    }

    @Test
    void hifiganSamplesAreIdsTimesFramesTimesHop(@TempDir Path dir) {
        AmVocoderTestModels.write(dir.resolve("voice-a"), Acoustic.MATCHA, "am.onnx", Vocoder.HIFIGAN, "voc.onnx",
                true, 0);
        try (TtsEngine e = AmFixture.open("matcha", dir, Map.of())) {
            assertThat(e.voices()).extracting(VoiceInfo::id).containsExactly("matcha:voice-a");
            Voice v = e.load("matcha:voice-a");
            int ids = 2 * 6 + 1;
            assertThat(speak(v, HELLO, 1.0).length)
                    .isEqualTo(ids * AmVocoderTestModels.framesPerId(1.0) * AmVocoderTestModels.HOP);
            assertThat(speak(v, HELLO, 2.0).length).isEqualTo(ids * 2 * AmVocoderTestModels.HOP);
            assertThat(speak(v, HELLO, 0.5).length).isEqualTo(ids * 8 * AmVocoderTestModels.HOP);
            // The first frame is the pad's (id 0): a sine of the pad's level.
            short[] pcm = speak(v, HELLO, 1.0);
            int peak = 0;
            for (int i = 0; i < AmVocoderTestModels.HOP; i++) {
                peak = Math.max(peak, Math.abs(pcm[i]));
            }
            assertThat(peak / 32767.0).isBetween(AmVocoderTestModels.level(0) - 0.001,
                    AmVocoderTestModels.level(0) + 0.001);
        }
    }

    @Test
    void vocosGoesThroughTheInverseStft(@TempDir Path dir) {
        AmVocoderTestModels.write(dir.resolve("fs2"), Acoustic.FASTSPEECH2, "x.onnx", Vocoder.VOCOS, "y.onnx",
                false, 0);
        try (TtsEngine e = AmFixture.open("fastspeech2", dir, Map.of());
             TtsEngine matcha = AmFixture.open("matcha", dir, Map.of())) {
            assertThat(matcha.voices()).as("a FastSpeech2 directory is not Matcha's").isEmpty();
            Voice v = e.load("fastspeech2:fs2");
            int frames = 6 * AmVocoderTestModels.framesPerId(1.0);
            short[] pcm = speak(v, HELLO, 1.0);
            assertThat(pcm.length).isEqualTo(AmVocoderTestModels.HOP * (frames - 1));
            // Bin 16 of a 1024-point FFT at 22050 Hz: a cosine of 344.5 Hz whose amplitude follows the ids' levels
            // (a 1024-sample window spans four frames, so neighbouring ids blend).
            double low = Double.MAX_VALUE;
            double high = 0;
            for (int cp : HELLO.codePoints().toArray()) {
                double level = AmVocoderTestModels.level(
                        dev.chorus.testing.kokoro.KokoroTestModel.VOCAB.get(Character.toString(cp)));
                low = Math.min(low, level);
                high = Math.max(high, level);
            }
            int peak = 0;
            for (int i = 512; i < pcm.length - 512; i++) {
                peak = Math.max(peak, Math.abs(pcm[i]));
            }
            assertThat(peak / 32767.0).isBetween(low - 0.01, high + 0.01);
            assertThat(Pcm.rms(pcm)).isGreaterThan(low / 2);
        }
    }

    @Test
    void inverseStftUndoesAForwardStft() {
        int nFft = 64;
        int hop = 16;
        int n = 1024;
        double[] signal = new double[n];
        for (int i = 0; i < n; i++) {
            signal[i] = Math.sin(i * 0.05) * 0.5 + Math.cos(i * 0.31) * 0.25;
        }
        // torch.stft with center=True, reflect padding, periodic Hann window.
        double[] padded = new double[n + nFft];
        for (int i = 0; i < padded.length; i++) {
            int j = i - nFft / 2;
            j = j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
            padded[i] = signal[j];
        }
        int frames = 1 + n / hop;
        int bins = nFft / 2 + 1;
        float[] mag = new float[bins * frames];
        float[] x = new float[bins * frames];
        float[] y = new float[bins * frames];
        for (int f = 0; f < frames; f++) {
            double[] re = new double[nFft];
            double[] im = new double[nFft];
            for (int i = 0; i < nFft; i++) {
                re[i] = padded[f * hop + i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / nFft));
            }
            dev.chorus.testing.Fft.forward(re, im);
            for (int k = 0; k < bins; k++) {
                double m = Math.hypot(re[k], im[k]);
                mag[k * frames + f] = (float) m;
                x[k * frames + f] = (float) (m == 0 ? 1 : re[k] / m);
                y[k * frames + f] = (float) (m == 0 ? 0 : im[k] / m);
            }
        }
        float[] out = new Istft(nFft, hop, nFft, true).compute(java.nio.FloatBuffer.wrap(mag),
                java.nio.FloatBuffer.wrap(x), java.nio.FloatBuffer.wrap(y), frames);
        assertThat(out.length).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat((double) out[i]).as("sample %d", i).isCloseTo(signal[i],
                    org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    @Test
    void melGoesToTheVocoderWithoutAJavaCopy(@TempDir Path dir) throws Exception {
        AmVocoderTestModels.write(dir.resolve("big"), Acoustic.MATCHA, "am.onnx", Vocoder.HIFIGAN, "voc.onnx",
                false, 0);
        try (TtsEngine e = AmFixture.open("matcha", dir, Map.of())) {
            AmModel model = ((AmEngine) e).model("big");
            long[] ids = new long[500];
            Arrays.fill(ids, 40);
            AmModel.Controls c = new AmModel.Controls(1f, 0.667f, 3, 0);
            long melBytes = (long) ids.length * AmVocoderTestModels.FRAMES_PER_ID * AmVocoderTestModels.MELS * 4;
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long zeroCopy = Long.MAX_VALUE;
            long copying = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                try (OrtSession.Result am = model.acoustic(ids, c)) {
                    OnnxTensor mel = (OnnxTensor) am.get("mel").orElseThrow();
                    try (OrtSession.Result audio = model.handOff(mel)) {
                        assertThat(audio.size()).isEqualTo(1);
                    }
                }
                zeroCopy = Math.min(zeroCopy, mx.getCurrentThreadAllocatedBytes() - before);
                before = mx.getCurrentThreadAllocatedBytes();
                try (OrtSession.Result am = model.acoustic(ids, c)) {
                    OnnxTensor mel = (OnnxTensor) am.get("mel").orElseThrow();
                    try (OrtSession.Result audio = model.handOffCopying(mel)) {
                        assertThat(audio.size()).isEqualTo(1);
                    }
                }
                copying = Math.min(copying, mx.getCurrentThreadAllocatedBytes() - before);
            }
            // The mel is 640 KB: the copying hand-off allocates a float[] that size, the real one a few objects.
            assertThat(copying).as("bytes allocated by a copying hand-off").isGreaterThanOrEqualTo(melBytes);
            assertThat(zeroCopy).as("bytes allocated by the hand-off").isLessThan(32 * 1024);
        }
    }

    @Test
    void directoriesAreRecognisedByMetadataAndBrokenOnesNamed(@TempDir Path dir) throws Exception {
        Path lone = dir.resolve("lone");
        AmVocoderTestModels.write(lone, Acoustic.MATCHA, "acoustic.onnx", Vocoder.HIFIGAN, "vocoder.onnx", true, 0);
        Files.delete(lone.resolve("vocoder.onnx"));
        Path bad = dir.resolve("bad-vocos");
        AmVocoderTestModels.write(bad, Acoustic.MATCHA, "m.onnx", Vocoder.VOCOS, "v.onnx", true, 0);
        byte[] vocos = Files.readAllBytes(bad.resolve("v.onnx"));
        String text = new String(vocos, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\u0004" + "1024",
                "\u0004" + "2048");
        Files.write(bad.resolve("v.onnx"), text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("unrelated.onnx"), "not a model");
        try (TtsEngine e = AmFixture.open("matcha", dir, Map.of())) {
            assertThat(e.voices()).isEmpty();
            assertThat(e.failures()).containsOnlyKeys("matcha:lone", "matcha:bad-vocos");
            assertThat(e.failures().get("matcha:lone")).contains("missing")
                    .contains("a vocoder: an .onnx whose model_type metadata is hifigan or vocos");
            assertThat(e.failures().get("matcha:bad-vocos")).contains("v.onnx").contains("n_fft/2+1 = 1025");
        }
    }
}

package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.piper.SherpaVitsTestModel;
import dev.chorus.testing.piper.SherpaVitsTestModel.Layout;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.TtsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coqui and icefall phoneme models with eSpeak NG's phonemes, from the engine context's phonemizer as for Piper
 * voices: with Piper's symbols in tokens.txt, their ids are a Piper voice's ids for the same text, rearranged by
 * sherpa-onnx's rules.
 */
@Timeout(30)
class CoquiIcefallEspeakTest {

    @Test
    void phonemeModelsSpeakEspeakPhonemesBySherpaOnnxRules(@TempDir Path root) throws IOException {
        StringBuilder tokens = new StringBuilder();
        TestVoiceGenerator.PHONEME_ID_MAP.forEach((p, id) -> tokens.append(p).append(' ').append(id).append('\n'));
        int symbols = TestVoiceGenerator.NUM_SYMBOLS;
        Map<String, String> icefall = CoquiIcefallModelsTest.icefall(1);
        CoquiIcefallModelsTest.voice(root, "vits-icefall", Layout.ICEFALL, symbols, false, icefall, tokens.toString());
        Map<String, String> coqui = new HashMap<>(CoquiIcefallModelsTest.coquiPhonemes(1));
        coqui.putAll(Map.of("blank_id", "0", "use_eos_bos", "1", "bos_id", "1", "eos_id", "2"));
        CoquiIcefallModelsTest.voice(root, "vits-coqui", Layout.COQUI, symbols, false, coqui, tokens.toString());
        java.nio.file.Files.move(root.resolve("vits-coqui/model.onnx"), root.resolve("vits-coqui/coqui.onnx"));
        TestVoiceGenerator.write(TestVoiceGenerator.Spec.of("reference"), root);
        try (TtsEngine engine = PiperFixture.open(root, 1, Map.of())) {
            PiperFixture.assumeEspeak(engine);
            assertThat(engine.failures()).isEmpty();
            String text = "Hello world. How are you?";
            List<long[]> piper = ((PiperVoice) engine.load("piper:reference")).phonemeIds(text);
            List<long[]> ice = ((PiperVoice) engine.load("piper:model")).phonemeIds(text);
            List<long[]> coq = ((PiperVoice) engine.load("piper:coqui")).phonemeIds(text);
            assertThat(piper).hasSize(2);
            assertThat(ice).hasSize(2);
            assertThat(coq).hasSize(2);
            long comma = TestVoiceGenerator.PHONEME_ID_MAP.get(",");
            int total = 0;
            for (int s = 0; s < piper.size(); s++) {
                long[] p = piper.get(s);
                // Piper: ^ _ p1 _ ... pn _ $. icefall (PiperPhonemesToIdsVits): ^ p1 _ ... pn _ $.
                long[] expectedIcefall = new long[p.length - 1];
                expectedIcefall[0] = p[0];
                System.arraycopy(p, 2, expectedIcefall, 1, p.length - 2);
                assertThat(ice.get(s)).containsExactly(expectedIcefall);
                // Coqui (CoquiPhonemesToIds) with bos_id '^', blank_id '_', eos_id '$': bos blank p1 blank ... pn
                // blank, then the comma, then eos.
                long[] expectedCoqui = Arrays.copyOf(p, p.length + 1);
                expectedCoqui[p.length - 1] = comma;
                expectedCoqui[p.length] = p[p.length - 1];
                assertThat(coq.get(s)).containsExactly(expectedCoqui);
                total += expectedIcefall.length;
            }
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(engine.load("piper:model").synthesize(text, SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).hasSize(total * SherpaVitsTestModel.samples(1, 1));
        }
    }
}

package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.onnx.reload.VoiceDirectory;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Broken voice files are reported with the file and field at fault, and never disturb other voices. */
class LoadFailuresTest {

    private static void voice(Path dir, String name, UnaryOperator<String> json) throws IOException {
        TestVoiceGenerator.write(TestVoiceGenerator.Spec.of(name), dir);
        Path config = dir.resolve(name + ".onnx.json");
        Files.writeString(config, json.apply(Files.readString(config)));
    }

    @Test
    void eachBrokenFileIsReportedWithItsFileAndField(@TempDir Path dir) throws IOException {
        voice(dir, "good", j -> j);
        voice(dir, "corrupt", j -> j);
        Files.write(dir.resolve("corrupt.onnx"), "this is not a model".getBytes(StandardCharsets.UTF_8));
        voice(dir, "lonely", j -> j);
        Files.delete(dir.resolve("lonely.onnx.json"));
        voice(dir, "rate", j -> j.replace("\"sample_rate\" : 22050", "\"sample_rate\" : \"fast\""));
        voice(dir, "syntax", j -> j.substring(0, j.length() / 2));
        voice(dir, "pinyin", j -> j.replace("\"phoneme_type\" : \"espeak\"", "\"phoneme_type\" : \"pinyin\""));
        voice(dir, "symbols", j -> j.replace("\"ɐ\" : [ 50 ]", "\"ɐ\" : [ 300 ]"));
        voice(dir, "mismatch", j -> j.replace("\"ɐ\" : [ 50 ]", "\"ɐ\" : [ 300 ]")
                .replace("\"num_symbols\" : 256,", ""));
        voice(dir, "nopad", j -> j.replace("\"_\" : [ 0 ],", ""));
        voice(dir, "speakers", j -> j.replace("\"num_speakers\" : 1", "\"num_speakers\" : 3"));
        voice(dir, "scale", j -> j.replace("\"length_scale\" : 1.0", "\"length_scale\" : -1"));

        try (LogCapture log = new LogCapture(VoiceDirectory.class);
             TtsEngine engine = PiperFixture.open(dir, 1, Map.of())) {
            PiperFixture.assumeEspeak(engine);
            Map<String, String> failures = engine.failures();
            assertThat(failures.get("piper:corrupt")).contains(dir.resolve("corrupt.onnx").toString())
                    .contains("not a loadable ONNX model");
            assertThat(failures.get("piper:lonely")).contains(dir.resolve("lonely.onnx.json").toString())
                    .contains("missing");
            assertThat(failures.get("piper:rate")).contains("rate.onnx.json").contains("audio.sample_rate")
                    .contains("\"fast\"");
            assertThat(failures.get("piper:syntax")).contains("syntax.onnx.json").contains("not valid JSON");
            assertThat(failures.get("piper:pinyin")).contains("pinyin.onnx.json").contains("phoneme_type")
                    .contains("pinyin");
            assertThat(failures.get("piper:symbols")).contains("symbols.onnx.json")
                    .contains("phoneme_id_map.ɐ: id 300 (expected: below num_symbols 256)");
            assertThat(failures.get("piper:mismatch")).contains("mismatch.onnx.json")
                    .contains("phoneme_id_map: the model rejects id 300 ('ɐ')");
            assertThat(failures.get("piper:nopad")).contains("nopad.onnx.json").contains("phoneme_id_map")
                    .contains("'_'");
            assertThat(failures.get("piper:speakers")).contains("speakers.onnx.json").contains("num_speakers: 3")
                    .contains("sid");
            assertThat(failures.get("piper:scale")).contains("scale.onnx.json").contains("inference.length_scale");
            assertThat(failures).hasSize(10);
            assertThat(log.warnings()).hasSize(10).allMatch(w -> w.contains("failed to load"));

            assertThat(engine.voices()).extracting(VoiceInfo::id).containsExactly("piper:good");
            PiperVoice good = (PiperVoice) engine.load("piper:good");
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(good.synthesizeIds(new long[] {1, 0, 30, 0, 2}, SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).isNotEmpty();
            assertThatThrownBy(() -> engine.load("piper:corrupt")).isInstanceOf(EngineUnavailableException.class)
                    .hasMessageContaining("not a loadable ONNX model");
        }
    }

    @Test
    void anUnknownEspeakVoiceIsNamed(@TempDir Path dir) throws IOException {
        voice(dir, "klingon", j -> j.replace("\"voice\" : \"en-us\"", "\"voice\" : \"tlh-nope\""));
        try (TtsEngine engine = PiperFixture.open(dir, 1, Map.of())) {
            PiperFixture.assumeEspeak(engine);
            assertThat(engine.failures().get("piper:klingon")).contains("klingon.onnx.json")
                    .contains("espeak.voice: 'tlh-nope'");
        }
    }

    @Test
    void aBrokenReplacementKeepsThePreviousVersion(@TempDir Path dir) throws IOException {
        voice(dir, "v", j -> j);
        try (TtsEngine engine = PiperFixture.open(dir, 1, Map.of())) {
            Files.write(dir.resolve("v.onnx"), new byte[] {8, 1, 2, 3});
            engine.reload("piper:v");
            assertThat(engine.failures().get("piper:v")).contains("v.onnx").contains("still serving version 1");
            assertThat(engine.voices()).singleElement().extracting(VoiceInfo::version).isEqualTo("1");
            PiperVoice v = (PiperVoice) engine.load("piper:v");
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.synthesizeIds(new long[] {1, 0, 2}, SynthesisOptions.defaults(), new Pcm.Collector()))
                    .isTrue();

            TestVoiceGenerator.write(TestVoiceGenerator.Spec.of("v").withBaseHz(300), dir);
            engine.reload("piper:v");
            assertThat(engine.failures()).isEmpty();
            assertThat(((PiperVoice) engine.load("piper:v")).version()).isEqualTo(2);
        }
    }

    @Test
    void withoutEspeakOnlyTextVoicesLoad(@TempDir Path dir) throws IOException {
        voice(dir, "phonemes", j -> j);
        voice(dir, "letters", j -> j.replace("\"phoneme_type\" : \"espeak\"", "\"phoneme_type\" : \"text\""));
        EngineContext context = new EngineContext(1, Map.of(PiperEngineProvider.VOICES, dir.toString(),
                PiperEngineProvider.SCAN_INTERVAL, "0", PiperEngineProvider.SENTENCE_SILENCE, "0"));
        try (PiperEngine engine = PiperEngine.open(context)) {
            assertThat(engine.failures().get("piper:phonemes")).contains("phonemes.onnx.json")
                    .contains("phoneme_type: \"espeak\" needs the espeak engine's phonemizer")
                    .contains("no phonemizer named 'espeak' was offered to the piper engine");
            assertThat(engine.voices()).extracting(VoiceInfo::id).containsExactly("piper:letters");
            PiperVoice letters = (PiperVoice) engine.load("piper:letters");
            // "Ab c." -> a b ' ' c . in lower case
            assertThat(letters.phonemeIds("Ab c.")).singleElement()
                    .isEqualTo(new long[] {1, 0, 14, 0, 15, 0, 3, 0, 16, 0, 10, 0, 2});
            Pcm.Collector sink = new Pcm.Collector();
            assertThat(letters.synthesize("Ab c.", SynthesisOptions.defaults(), sink)).isTrue();
            assertThat(sink.samples()).hasSize(13 * 512);
            assertThat(engine.description()).contains("no eSpeak phonemizer");
        }
    }
}

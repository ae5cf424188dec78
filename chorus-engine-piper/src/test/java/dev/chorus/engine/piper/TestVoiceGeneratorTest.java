package dev.chorus.engine.piper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.chorus.testing.piper.TestVoiceGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The generated test voices: reproducible byte for byte, and behaving in ONNX Runtime as documented. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestVoiceGeneratorTest {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final Map<String, OrtSession> sessions = new HashMap<>();

    @BeforeAll
    void load() throws Exception {
        for (TestVoiceGenerator.Spec spec : TestVoiceGenerator.standard()) {
            sessions.put(spec.name(), env.createSession(TestVoiceGenerator.model(spec)));
        }
    }

    @AfterAll
    void close() throws Exception {
        for (OrtSession s : sessions.values()) {
            s.close();
        }
    }

    @Test
    void regeneratesTheCheckedInVoicesByteForByte(@TempDir Path dir) throws Exception {
        for (TestVoiceGenerator.Spec spec : TestVoiceGenerator.standard()) {
            TestVoiceGenerator.write(spec, dir);
            for (String file : new String[] {spec.name() + ".onnx", spec.name() + ".onnx.json"}) {
                assertThat(Files.readAllBytes(dir.resolve(file)))
                        .as("%s regenerated (run TestVoiceGenerator %s to update it)", file, PiperFixture.VOICES)
                        .isEqualTo(Files.readAllBytes(PiperFixture.VOICES.resolve(file)));
            }
        }
    }

    @Test
    void usesPipersStandardPhonemeIdMap() {
        Map<String, Integer> map = TestVoiceGenerator.PHONEME_ID_MAP;
        assertThat(map).hasSize(159);
        Map<String, Integer> known = new HashMap<>();
        known.put("_", 0);
        known.put("^", 1);
        known.put("$", 2);
        known.put(" ", 3);
        known.put("!", 4);
        known.put(",", 8);
        known.put(".", 10);
        known.put("?", 13);
        known.put("a", 14);
        known.put("h", 20);
        known.put("z", 38);
        known.put("æ", 39);
        known.put("ɐ", 50);
        known.put("ə", 59);
        known.put("ɹ", 88);
        known.put("ˈ", 120);
        known.put("ⱱ", 129);
        known.put("0", 130);
        known.put("\u0327", 140);
        known.put("ʰ", 145);
        known.put("#", 149);
        known.put("\"", 150);
        known.put("↑", 151);
        known.put("\u033b", 153);
        known.put("g", 154);
        known.put("ʦ", 155);
        known.put("X", 156);
        known.put("\u030a", 158);
        assertThat(map).containsAllEntriesOf(known);
        assertThat(map.values()).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 159).boxed()
                .toList());
    }

    @Test
    void eachIdBecomesATonePlacedAndPitchedAsDocumented() throws Exception {
        TestVoiceGenerator.Spec spec = PiperFixture.spec("test-voice");
        long[] ids = {1, 0, 20, 0, 59, 0, 2};
        float[] audio = run("test-voice", ids, 1.0f, -1).audio;
        int tone = TestVoiceGenerator.FRAMES_PER_ID * TestVoiceGenerator.HOP_LENGTH;
        assertThat(audio).hasSize(ids.length * tone);
        for (int k = 0; k < ids.length; k++) {
            for (int i = 0; i < tone; i++) {
                assertThat((double) audio[k * tone + i]).as("id %d sample %d", ids[k], i)
                        .isCloseTo(TestVoiceGenerator.sample(spec, ids[k], 0, i), within(2e-4));
            }
        }
    }

    @Test
    void lengthFollowsTheLengthScale() throws Exception {
        long[] ids = {1, 0, 50, 0, 2};
        for (float scale : new float[] {0.25f, 0.5f, 1f, 1.5f, 2f, 4f}) {
            int frames = TestVoiceGenerator.framesPerId(scale);
            assertThat(run("test-voice", ids, scale, -1).audio)
                    .as("length scale %s", scale).hasSize(ids.length * frames * TestVoiceGenerator.HOP_LENGTH);
        }
        assertThat(TestVoiceGenerator.framesPerId(1)).isEqualTo(2);
        assertThat(TestVoiceGenerator.framesPerId(0.5)).isEqualTo(1);
        assertThat(TestVoiceGenerator.framesPerId(2)).isEqualTo(4);
    }

    @Test
    void onlyTheFirstInputLengthsIdsAreSpoken() throws Exception {
        try (OnnxTensor input = OnnxTensor.createTensor(env, new long[][] {{1, 0, 20, 0, 2}});
             OnnxTensor lengths = OnnxTensor.createTensor(env, new long[] {3});
             OnnxTensor scales = OnnxTensor.createTensor(env, new float[] {0.667f, 1f, 0.8f});
             OrtSession.Result r = sessions.get("test-voice").run(Map.of("input", input, "input_lengths", lengths,
                     "scales", scales))) {
            assertThat(((float[][][][]) r.get(0).getValue())[0][0][0]).hasSize(3 * 512);
        }
    }

    @Test
    void speakersDifferInAmplitude() throws Exception {
        long[] ids = {1, 0, 30, 0, 2};
        double[] peaks = new double[3];
        for (int sid = 0; sid < 3; sid++) {
            float max = 0;
            for (float v : run("test-voice-multi", ids, 1f, sid).audio) {
                max = Math.max(max, Math.abs(v));
            }
            peaks[sid] = max;
        }
        assertThat(peaks[0]).isCloseTo(0.25, within(0.01));
        assertThat(peaks[1]).isCloseTo(0.50, within(0.01));
        assertThat(peaks[2]).isCloseTo(0.75, within(0.01));
    }

    @Test
    void theDurationsVariantReportsFramesPerId() throws Exception {
        long[] ids = {1, 0, 30, 0, 31, 0, 2};
        Output out = run("test-voice-durations", ids, 2f, -1);
        assertThat(out.durations).containsOnly(4f).hasSize(ids.length);
        assertThat(out.audio).hasSize(ids.length * 4 * TestVoiceGenerator.HOP_LENGTH);
    }

    @Test
    void extraLayersLeaveTheAudioAlone() throws Exception {
        TestVoiceGenerator.Spec spec = TestVoiceGenerator.Spec.of("layered").withLayers(2);
        long[] ids = {1, 0, 30, 0, 31, 0, 2};
        try (OrtSession layered = env.createSession(TestVoiceGenerator.model(spec))) {
            sessions.put("layered", layered);
            assertThat(run("layered", ids, 1.5f, -1).audio).isEqualTo(run("test-voice", ids, 1.5f, -1).audio);
        } finally {
            sessions.remove("layered");
        }
    }

    @Test
    void anIdOutsideTheSymbolTableFailsTheRun() {
        assertThatThrownBy(() -> run("test-voice", new long[] {1, 0, 300, 0, 2}, 1f, -1))
                .isInstanceOf(ai.onnxruntime.OrtException.class);
    }

    private record Output(float[] audio, float[] durations) {
    }

    private Output run(String voice, long[] ids, float lengthScale, long sid) throws Exception {
        OrtSession session = sessions.get(voice);
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input", OnnxTensor.createTensor(env, new long[][] {ids}));
            in.put("input_lengths", OnnxTensor.createTensor(env, new long[] {ids.length}));
            in.put("scales", OnnxTensor.createTensor(env, new float[] {0.667f, lengthScale, 0.8f}));
            if (sid >= 0) {
                in.put("sid", OnnxTensor.createTensor(env, new long[] {sid}));
            }
            try (OrtSession.Result r = session.run(in)) {
                float[] audio = ((OnnxTensor) r.get("output").orElseThrow()).getFloatBuffer().array();
                float[] durations = r.get("durations").map(v -> ((OnnxTensor) v).getFloatBuffer().array())
                        .orElse(null);
                return new Output(audio, durations);
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }
}

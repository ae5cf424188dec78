package dev.chorus.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the packaged {@code chorus check} as a voice QA step would: a table, a JSON file, clear errors. */
class CheckCommandIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");

    @TempDir
    static Path dir;

    @BeforeAll
    static void jarExists() {
        assertThat(Path.of(JAR)).as("packaged program").exists();
    }

    record Run(int exit, String out, String err) {
    }

    private static Run chorus(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("chorus %s finished", List.of(args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void checkPrintsARowPerVoiceAndWritesJson() throws Exception {
        Path sentences = dir.resolve("sentences.txt");
        Files.writeString(sentences, "# two everyday sentences\nThe weather is nice today.\n\n"
                + "Thank you very much for your help.\n", StandardCharsets.UTF_8);
        Path json = dir.resolve("check.json");
        Run r = chorus("check", "-v", "hmm:cmu-slt-hsmm", "-f", sentences.toString(), "--json", json.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).contains("VOICE").contains("WER").contains("LUFS").contains("CLIPPING")
                .contains("RTF");
        assertThat(lines.get(1)).startsWith("hmm:cmu-slt-hsmm").contains("en-US");
        JsonNode row = new ObjectMapper().readTree(json.toFile()).get(0);
        assertThat(row.get("voice").asText()).isEqualTo("hmm:cmu-slt-hsmm");
        assertThat(row.get("sentences").asInt()).isEqualTo(2);
        assertThat(row.get("wer").asDouble()).isLessThanOrEqualTo(0.2);
        // Speech from the default voice: loud enough, not clipped, mostly not silent.
        assertThat(row.get("lufs").asDouble()).isBetween(-30.0, -10.0);
        assertThat(row.get("clipping").asDouble()).isLessThan(0.001);
        assertThat(row.get("silence").asDouble()).isLessThan(0.6);
        assertThat(row.get("rtf").asDouble()).isPositive();
    }

    @Test
    void aMissingSentenceFileIsBadInput() throws Exception {
        Run r = chorus("check", "-f", dir.resolve("nope.txt").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("nope.txt").contains("cannot read");
    }

    @Test
    void anotherRecognizerIsNamedWithItsSettingsAndAMissingOneStillMeasuresTheSignal() throws Exception {
        Path sentences = dir.resolve("one.txt");
        Files.writeString(sentences, "The weather is nice today.\n", StandardCharsets.UTF_8);
        Run r = chorus("check", "-v", "hmm:cmu-slt-hsmm", "-f", sentences.toString(), "--recognizer", "paraformer",
                "--recognizer-setting", "dir=" + dir.resolve("no-model"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("no word error rate").contains("no-model");
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).startsWith("hmm:cmu-slt-hsmm").contains(" - ");
    }
}

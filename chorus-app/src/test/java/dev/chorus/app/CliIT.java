package dev.chorus.app;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the packaged {@code chorus} program as a user would, and checks its output with real audio tools. */
class CliIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");
    private static final String TEXT = "Hello from Chorus. The quick brown fox jumps over the lazy dog.";

    @TempDir
    static Path dir;

    @BeforeAll
    static void jarExists() {
        assertThat(Path.of(JAR)).as("packaged program").exists();
    }

    record Run(int exit, String out, String err) {
    }

    private static Run chorus(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("chorus %s finished", List.of(args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err));
    }

    /** Returns the duration in seconds that ffprobe reads from the file, or -1 when ffprobe is missing. */
    private static double ffprobeSeconds(Path file, String... inputOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        cmd.addAll(List.of(inputOptions));
        cmd.addAll(List.of("-show_entries", "format=duration:stream=sample_rate", "-of", "default=nw=1",
                file.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1;
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("ffprobe: %s", text).isZero();
        return Double.parseDouble(text.lines().filter(l -> l.startsWith("duration=")).findFirst().orElseThrow()
                .substring("duration=".length()));
    }

    private static String soxInfo(Path file) throws Exception {
        Process p = new ProcessBuilder("sox", "--i", file.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("sox --i: %s", text).isZero();
        return text;
    }

    @Test
    void saySpeaksWithTheDefaultVoiceIntoAWavThatRealToolsRead() throws Exception {
        Run r = chorus(null, "say", TEXT, "-o", "hello.wav");
        assertThat(r.exit()).as(r.err()).isZero();
        Path wav = dir.resolve("hello.wav");
        assertThat(r.err()).contains("hmm:cmu-slt-hsmm").doesNotContain("SLF4J");
        double seconds = ffprobeSeconds(wav);
        assertThat(seconds).as("ffprobe is missing: run scripts/install-test-deps.sh (ffmpeg)").isGreaterThanOrEqualTo(0);
        assertThat(seconds).isBetween(3.0, 9.0);
        String sox = soxInfo(wav);
        assertThat(sox).contains("Channels       : 1").contains("Precision      : 16-bit")
                .containsPattern("Duration       : 00:00:0[3-8]\\.");
        assertThat(Files.list(dir).filter(f -> f.getFileName().toString().endsWith(".part"))).isEmpty();
    }

    @Test
    void sayReadsStdinAndWritesRawPcmToStdoutAtTheAskedRate() throws Exception {
        Run r = chorus("Reading from standard input.", "say", "-o", "-", "--format", "pcm", "--sample-rate",
                "16000", "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        byte[] pcm = r.out().getBytes(StandardCharsets.ISO_8859_1);
        double seconds = pcm.length / 2.0 / 16000;
        assertThat(seconds).isBetween(1.0, 5.0);
        Path raw = dir.resolve("stdin.pcm");
        Files.write(raw, pcm);
        double probed = ffprobeSeconds(raw, "-f", "s16le", "-ar", "16000", "-ac", "1");
        assertThat(probed).as("ffprobe is missing: run scripts/install-test-deps.sh (ffmpeg)").isGreaterThanOrEqualTo(0);
        assertThat(probed).isCloseTo(seconds, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void sayReadsAFileAndSpeaksWithEspeakWhenInstalled() throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "Dr. Smith reads a file. It has two sentences.");
        Run voices = chorus(null, "voices", "--engine", "espeak");
        assertThat(voices.out()).as("the espeak engine is missing: run scripts/install-test-deps.sh").contains("espeak:en-us");
        Run r = chorus(null, "say", "-f", text.toString(), "-v", "espeak:en-us", "-o", "file.wav",
                "--sample-rate", "24000");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(soxInfo(dir.resolve("file.wav"))).contains("Sample Rate    : 24000");
        assertThat(ffprobeSeconds(dir.resolve("file.wav"))).isBetween(2.0, 8.0);
    }

    @Test
    void sayTakesOpenAiVoiceNamesAndVoicesFindsChineseByItsMacrolanguage() throws Exception {
        Run r = chorus("Speaking as ash.", "say", "-v", "ash", "-o", "ash.wav");
        assertThat(r.exit()).as(r.err()).isZero();
        // ash stands for espeak:en-us where eSpeak NG is installed (the test packages install it), else the default.
        assertThat(r.err()).contains("espeak:en-us");
        assertThat(ffprobeSeconds(dir.resolve("ash.wav"))).isBetween(0.5, 4.0);
        Run zh = chorus(null, "voices", "-l", "zh");
        assertThat(zh.exit()).as(zh.err()).isZero();
        assertThat(zh.out()).contains("espeak:cmn").contains("espeak:yue").doesNotContain("espeak:en-us");
    }

    @Test
    void voicesListsBothEnginesInATable() throws Exception {
        Run r = chorus(null, "voices");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).contains("ID").contains("LANGUAGE").contains("ENGINE")
                .contains("SAMPLE RATE");
        assertThat(r.out()).containsPattern("hmm:cmu-slt-hsmm\\s+en-US\\s+female\\s+hmm\\s+\\d+");
        if (!r.err().contains("engine 'espeak' unavailable")) {
            assertThat(r.out()).containsPattern("espeak:en-us\\s+en-US");
            assertThat(chorus(null, "voices", "-l", "de").out()).contains("espeak:de").doesNotContain("en-us");
        }
    }

    @Test
    void badInputGivesAClearMessageAndExitCode() throws Exception {
        Run empty = chorus("   ", "say", "-o", "x.wav");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("empty text");

        Run unknown = chorus(null, "say", "hi", "-v", "hmm:cmu-slt-hsm", "-o", "x.wav");
        assertThat(unknown.exit()).isEqualTo(3);
        assertThat(unknown.err()).contains("hmm:cmu-slt-hsm' is not installed").contains("did you mean")
                .contains("hmm:cmu-slt-hsmm").doesNotContain("Exception");

        Run missing = chorus(null, "say", "-f", "no-such-file.txt", "-o", "x.wav");
        assertThat(missing.exit()).isEqualTo(5);
        assertThat(missing.err()).contains("no such file: no-such-file.txt");

        Run speed = chorus(null, "say", "hi", "--speed", "9", "-o", "x.wav");
        assertThat(speed.exit()).isEqualTo(2);
        assertThat(speed.err()).contains("speed: 9.0 (expected: 0.25 to 4.0)");

        Run noOutput = chorus(null, "say", "hi");
        assertThat(noOutput.exit()).isEqualTo(2);
        assertThat(noOutput.err()).contains("--output");
        assertThat(Files.exists(dir.resolve("x.wav"))).isFalse();
    }

    @Test
    void saySpeaksSsmlIntoAnMp3WithSpeechMarks() throws Exception {
        Run voices = chorus(null, "voices", "--engine", "espeak");
        assertThat(voices.out()).as("the espeak engine is missing: run scripts/install-test-deps.sh").contains("espeak:en-us");
        String ssml = "<speak>It costs $5.<break time=\"400ms\"/><mark name=\"after\"/>"
                + "<prosody rate=\"slow\">Goodbye.</prosody></speak>";
        Run r = chorus(null, "say", ssml, "-v", "espeak:en-us", "-o", "ssml.mp3", "--marks", "ssml.jsonl");
        assertThat(r.exit()).as(r.err()).isZero();
        Path mp3 = dir.resolve("ssml.mp3");
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name",
                "-of", "default=nw=1", mp3.toString()).redirectErrorStream(true).start();
        assertThat(new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("codec_name=mp3");
        assertThat(ffprobeSeconds(mp3)).isBetween(1.5, 6.0);

        List<String> marks = Files.readAllLines(dir.resolve("ssml.jsonl"));
        assertThat(marks).anyMatch(l -> l.contains("\"type\":\"ssml\"") && l.contains("\"value\":\"after\""));
        // The word read from "$5" points back at "$5" in the SSML.
        String five = marks.stream().filter(l -> l.contains("\"value\":\"five\"")).findFirst().orElseThrow();
        int start = Integer.parseInt(five.replaceAll(".*\"start\":(\\d+).*", "$1"));
        int end = Integer.parseInt(five.replaceAll(".*\"end\":(\\d+).*", "$1"));
        assertThat(ssml.substring(start, end)).isEqualTo("$5");

        Run bad = chorus(null, "say", "<speak>unclosed", "-o", "bad.wav");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("SSML line 1");
        assertThat(Files.exists(dir.resolve("bad.wav"))).isFalse();
    }
}

package dev.chorus.app;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code chorus} program at its edges: an interrupted {@code say} leaves no file behind, errors name
 * the user's path, OpenAI voice names work, empty voice listings and mistyped commands say so, and {@code serve}
 * starts without the framework's warnings.
 */
class CliEdgesIT {

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

    private static ProcessBuilder command(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile());
    }

    private static Run chorus(String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = command(dir, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chorus %s finished", List.of(args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void sigtermAndCtrlCDuringSayLeaveNoPartialFile() throws Exception {
        // Enough text for a minute of speech: the signal comes while the file is being written.
        String text = "This sentence is one of many that make a long text for the test. ".repeat(60);
        for (String signal : List.of("TERM", "INT")) {
            Path work = Files.createDirectories(dir.resolve("signal-" + signal));
            Process p = command(work, "say", "-o", "speech.wav", "--marks", "speech.jsonl", "-f", "-")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(work.resolve("err.txt").toFile()).start();
            try (var in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (partBytes(work) < 1000 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(p.isAlive()).as("still speaking when signalled: %s", Files.readString(work.resolve("err.txt")))
                    .isTrue();
            assertThat(partBytes(work)).as("audio written under a temporary name").isGreaterThanOrEqualTo(1000);
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ended after SIG%s", signal).isTrue();

            assertThat(p.exitValue()).isNotZero();
            try (Stream<Path> files = Files.list(work)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList())
                        .as("after SIG%s", signal).containsExactly("err.txt");
            }
        }
    }

    @Test
    void errorsNameTheOutputPathTheUserGave() throws Exception {
        Run r = chorus("say", "hi", "-o", "no-such-dir/x.wav");
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err()).contains("cannot write no-such-dir/x.wav: no such directory: no-such-dir")
                .doesNotContain(".part").doesNotContain("Exception");

        Files.createDirectories(dir.resolve("a-dir.wav"));
        Run directory = chorus("say", "hi", "-o", "a-dir.wav");
        assertThat(directory.exit()).isEqualTo(5);
        assertThat(directory.err()).contains("cannot write a-dir.wav: it is a directory");
    }

    @Test
    void sayTakesAlloyAsTheServerDoes() throws Exception {
        Run r = chorus("say", "Speaking as alloy.", "-v", "alloy", "-o", "alloy.wav");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("hmm:cmu-slt-hsmm");
        assertThat(Files.size(dir.resolve("alloy.wav"))).isGreaterThan(10_000);
    }

    @Test
    void voicesSaysWhenNothingMatches() throws Exception {
        Run r = chorus("voices", "-l", "xx");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        // The test packages install eSpeak NG, whose voices speak over a hundred languages: they are counted.
        assertThat(r.err()).containsPattern("no installed voice matches language 'xx' \\((\\d+ languages installed"
                + "|languages: [^;]+); engines: [^;]*hmm[^;]*; 'chorus voices' lists them all\\)");
    }

    @Test
    void anUnknownSubcommandGetsASuggestion() throws Exception {
        Run r = chorus("voics");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument at index 0: 'voics'").contains("Did you mean: chorus voices?");
    }

    @Test
    void serveStartsWithoutTheReactorWarning() throws Exception {
        Process p = command(dir, "serve", "-p", "0").redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(120_000);
                    p.destroyForcibly();
                } catch (InterruptedException e) {
                    // The server came up in time.
                }
            });
            String line;
            while ((line = in.readLine()) != null) {
                log.append(line).append('\n');
                if (line.contains("chorus: ready after")) {
                    break;
                }
            }
            watchdog.interrupt();
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(log.toString()).contains("chorus: listening on").contains("chorus: ready after")
                .doesNotContain("Reactor").doesNotContain("\"level\":\"ERROR\"");
    }

    /** Returns the bytes written so far to the audio's temporary file, 0 when there is none yet. */
    private static long partBytes(Path work) throws Exception {
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".speech.wav.")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (java.io.IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}

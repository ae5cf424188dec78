package dev.chorus.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code chorus bench} as a user would: a short load on a server it starts itself, with a JSON result. */
class BenchIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");

    @TempDir
    Path dir;

    @Test
    void benchLoadsAnInProcessServerAndWritesItsFigures() throws Exception {
        assertThat(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libespeak-ng.so.1")))
                .as("eSpeak NG is not installed: run scripts/install-test-deps.sh (libespeak-ng1)").isTrue();
        Path json = dir.resolve("result.json");
        ProcessBuilder pb = new ProcessBuilder(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR, "bench", "--voice", "espeak:en-us",
                "--concurrency", "2", "--duration", "1.5", "--warmup", "0.5", "--no-progress", "--json",
                json.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("CHORUS_ENGINES", "espeak");
        pb.environment().put("CHORUS_DEFAULT_VOICE", "espeak:en-us");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(p.exitValue()).as(out).isZero();

        assertThat(out).contains("client and server share this machine").contains("requests/s")
                .contains("time to first audio").contains("p99.9=");
        var result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertThat(result.findValue("mode").asText()).isEqualTo("closed");
        assertThat(result.findValue("error_count").asLong()).isZero();
        assertThat(result.findValue("client_and_server_on_same_machine").asBoolean()).isTrue();
        assertThat(result.findValue("time_to_first_audio")).isNotNull();
        long ok = result.findValue("requests_ok").asLong();
        assertThat(ok).isPositive();
    }
}

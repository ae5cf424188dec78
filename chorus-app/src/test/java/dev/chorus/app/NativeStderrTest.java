package dev.chorus.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native library prints to standard error does not break a JSON log: in a real process, bytes written to
 * descriptor 2 (as eSpeak NG writes them) come out as JSON log records of logger {@code dev.chorus.native}, and
 * every line on standard error is one JSON object.
 */
class NativeStderrTest {

    @Test
    void nativeStderrBecomesJsonLogLines() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", // as the chorus launcher runs it
                "-cp", System.getProperty("java.class.path"), NativeStderrChild.class.getName());
        pb.environment().put("CHORUS_LOG_FORMAT", "json");
        pb.environment().remove("CHORUS_LOG_LEVEL");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isZero();

        ObjectMapper json = new ObjectMapper();
        List<String> messages = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode record = json.readTree(line); // throws on a line that is not JSON
            assertThat(record.isObject()).as(line).isTrue();
            messages.add(record.path("logger").asText() + " | " + record.path("message").asText());
        }
        assertThat(messages).contains("dev.chorus.native | native: Error: \"voice\" not found {oops",
                "dev.chorus.native | native: partial line without newline",
                "dev.chorus.test | a line of the program's own");
    }
}

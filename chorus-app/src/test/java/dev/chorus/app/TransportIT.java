package dev.chorus.app;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code server.transport: io_uring}: the packaged program serves on io_uring, or refuses to start saying why. */
class TransportIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    /** Returns what the file descriptors of process {@code pid} point at. */
    static List<String> descriptors(long pid) throws IOException {
        List<String> fds = new ArrayList<>();
        try (var links = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) links::iterator) {
                try {
                    fds.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // A descriptor closed between the listing and the read.
                }
            }
        }
        return fds;
    }

    @Test
    void servesOnIoUringWhenAskedOrSaysWhyNot() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR, "serve", "--port", "0"))
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("CHORUS_TRANSPORT", "io_uring");
        pb.environment().put("CHORUS_ENGINES", "espeak");
        pb.environment().put("CHORUS_DEFAULT_VOICE", "espeak:en-us");
        pb.environment().put("CHORUS_WARM_UP", "false");
        Process p = pb.start();
        try {
            if (!IoUring.isAvailable()) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isEqualTo(ExitCodes.BAD_INPUT);
                assertThat(Files.readString(dir.resolve("err.txt")))
                        .contains("server.transport: io_uring is not available here");
                return;
            }
            int port = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (port < 0 && System.nanoTime() < deadline && p.isAlive()) {
                Matcher m = LISTENING.matcher(Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                } else {
                    Thread.sleep(100);
                }
            }
            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(port).as(err).isPositive();
            assertThat(err).contains("; transport io_uring;");
            assertThat(descriptors(p.pid())).as("the server's descriptors")
                    .anyMatch(f -> f.equals("anon_inode:[io_uring]"));
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"input\":\"Served on io_uring.\",\"response_format\":\"wav\"}"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body().length).isGreaterThan(22_050);
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

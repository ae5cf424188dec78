package dev.chorus.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged {@code chorus serve} as an operator would: a YAML file plus an environment override, the
 * default (MaryTTS) voice synthesizing inside the running server, and SIGTERM draining a stream in flight.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    static Path dir;

    private static Process process;
    private static final StringBuffer STDERR = new StringBuffer();
    private static int port;
    private static Thread stderrReader;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("chorus.yaml");
        Files.writeString(config, """
                server:
                  port: 0
                  shutdown-timeout: 20s
                limits:
                  max-input-chars: 2000
                openai:
                  voices:
                    narrator: hmm:cmu-slt-hsmm
                """);
        ProcessBuilder pb = new ProcessBuilder(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR, "serve", "--config", config.toString()))
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CHORUS_REQUEST_TIMEOUT", "60s");
        process = pb.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        stderrReader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    STDERR.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new AssertionError("server ended: " + STDERR));
        });
        port = listening.get(120, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (http.send(get("/readyz"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready in time: " + STDERR);
    }

    @AfterAll
    static void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
    }

    private static HttpRequest speech(String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Test
    @Order(0)
    void runsOnEpollByDefault() throws Exception {
        assertThat(STDERR.toString()).contains("; transport epoll;");
        assertThat(TransportIT.descriptors(process.pid())).as("the server's descriptors")
                .noneMatch(f -> f.equals("anon_inode:[io_uring]")).anyMatch(f -> f.equals("anon_inode:[eventpoll]"));
    }

    @Test
    @Order(1)
    void servesTheConfiguredLimitsAndSpeaksWithTheIsolatedMaryTtsVoice() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> r = http.send(speech(
                "{\"input\":\"Served by the packaged program.\",\"voice\":\"narrator\",\"response_format\":\"wav\"}"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(STDERR.toString()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("hmm:cmu-slt-hsmm");
        assertThat(r.body().length).isGreaterThan(48_000 * 2);
        String tooLong = http.send(speech("{\"input\":\"" + "a".repeat(2001) + "\"}"),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(tooLong).contains("expected: at most 2000");
    }

    @Test
    @Order(2)
    void sigtermDrainsAStreamInFlight() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String text = "This paragraph is still being spoken when the server is told to stop. ".repeat(4);
        HttpResponse<InputStream> r = http.send(speech("{\"input\":\"" + text
                        + "\",\"response_format\":\"pcm\",\"sample_rate\":48000}"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        // Not Process.destroy(): it also closes our end of the server's stderr, hiding what shutdown prints.
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
        byte[] pcm = r.body().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        stderrReader.join(5_000);
        assertThat(pcm.length / 2 / 48_000.0).as("seconds of audio received").isGreaterThan(10);
        assertThat(STDERR.toString()).contains("shutting down");
    }
}

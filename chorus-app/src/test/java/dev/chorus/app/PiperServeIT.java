package dev.chorus.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged {@code chorus serve} with a Piper voice directory from the environment
 * ({@code CHORUS_PIPER_VOICES}), an alias chain and an admin key from YAML, as an operator would set it up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PiperServeIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String ADMIN_KEY = "piper-serve-it-admin-key";
    /** The checked-in test voices of the piper engine (tests run in the module's directory). */
    private static final Path TEST_VOICES = Path.of("..", "chorus-engine-piper", "src", "test", "resources", "voices");

    @TempDir
    static Path dir;

    private static Path voices;
    private static Process process;
    private static final StringBuffer STDERR = new StringBuffer();
    private static int port;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        voices = Files.createDirectories(dir.resolve("voices"));
        for (String name : List.of("test-voice", "test-voice-multi")) {
            for (String suffix : List.of(".onnx.json", ".onnx")) {
                Files.copy(TEST_VOICES.resolve(name + suffix), voices.resolve(name + suffix));
            }
        }
        Path config = dir.resolve("chorus.yaml");
        Files.writeString(config, """
                server:
                  port: 0
                  warm-up: false
                engines:
                  piper:
                    scan-interval: 300ms
                voices:
                  aliases:
                    narrator: [piper:test-voice, hmm:cmu-slt-hsmm]
                admin:
                  key: %s
                """.formatted(ADMIN_KEY));
        ProcessBuilder pb = new ProcessBuilder(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR, "serve", "--config", config.toString()))
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CHORUS_PIPER_VOICES", voices.toString());
        pb.environment().put("CHORUS_LOG_LEVEL", "INFO");
        process = pb.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (HTTP.send(request("/readyz").build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
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

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    /** Posts a speech request for WAV audio ({@code json} is the rest of the body). */
    private static HttpResponse<byte[]> speech(String json) throws Exception {
        String wav = "{\"response_format\":\"wav\"," + json.substring(1);
        return HTTP.send(request("/v1/audio/speech").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(wav)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = request(path);
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** Returns the sample rate of a WAV body and checks that its samples are not silent. */
    private static int wavRate(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        int rate = b.getInt(24);
        int data = 12;
        while (!new String(wav, data, 4, StandardCharsets.US_ASCII).equals("data")) {
            data += 8 + b.getInt(data + 4);
        }
        double sum = 0;
        int n = 0;
        for (int i = data + 8; i + 1 < wav.length; i += 2, n++) {
            sum += (double) b.getShort(i) * b.getShort(i);
        }
        assertThat(n).as("samples").isGreaterThan(1000);
        assertThat(Math.sqrt(sum / n)).as("RMS").isGreaterThan(1000);
        return rate;
    }

    @Test
    @Order(1)
    void listsThePiperVoicesFromTheEnvironmentDirectory() throws Exception {
        String voices = get("/v1/voices?engine=piper", null);
        assertThat(voices).as(STDERR::toString).startsWith("200 ")
                .contains("\"id\":\"piper:test-voice\"", "\"id\":\"piper:test-voice-multi#bob\"",
                        "\"version\":\"1\"", "\"sample_rate\":22050", "\"status\":\"ok\"", "\"failed\":[]");
        assertThat(voices).doesNotContain("\"engine\":\"hmm\"", "\"engine\":\"espeak\"");
    }

    @Test
    @Order(2)
    void theAliasSpeaksThroughPiper() throws Exception {
        HttpResponse<byte[]> r = speech("{\"input\":\"Read through the alias.\",\"voice\":\"narrator\"}");
        assertThat(r.statusCode()).as(() -> new String(r.body(), StandardCharsets.UTF_8) + STDERR).isEqualTo(200);
        assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("piper:test-voice");
        assertThat(wavRate(r.body())).isEqualTo(22_050);

        HttpResponse<byte[]> speaker = speech("{\"input\":\"A named speaker.\",\"voice\":\"piper:test-voice-multi#carol\"}");
        assertThat(speaker.statusCode()).isEqualTo(200);
        assertThat(wavRate(speaker.body())).isEqualTo(22_050);
    }

    @Test
    @Order(3)
    void adminRoutesUseTheConfiguredKeyAndAReplacedFileBecomesVersionTwo() throws Exception {
        assertThat(get("/admin/voices", null)).startsWith("401 ");
        assertThat(get("/admin/voices", ADMIN_KEY)).startsWith("200 ").contains("\"id\":\"piper:test-voice\"",
                "\"loaded\":true");

        // Another valid model under the same name (the one with a durations output), renamed into place.
        Path staged = voices.resolve(".incoming.onnx");
        Files.copy(TEST_VOICES.resolve("test-voice-durations.onnx"), staged);
        Files.move(staged, voices.resolve("test-voice.onnx"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Pattern version2 = Pattern.compile("\\{\"id\":\"piper:test-voice\",[^}]*\"version\":\"2\"");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String listed;
        do {
            Thread.sleep(100);
            listed = get("/v1/voices?engine=piper", null);
        } while (!version2.matcher(listed).find() && System.nanoTime() < deadline);
        assertThat(listed).as(STDERR::toString).containsPattern(version2);

        HttpResponse<byte[]> r = speech("{\"input\":\"The second version.\",\"voice\":\"piper:test-voice@2\"}");
        assertThat(r.statusCode()).as(() -> new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(wavRate(r.body())).isEqualTo(22_050);
        HttpResponse<byte[]> old = speech("{\"input\":\"The first version.\",\"voice\":\"piper:test-voice@1\"}");
        assertThat(old.statusCode()).isEqualTo(404);
        assertThat(new String(old.body(), StandardCharsets.UTF_8)).contains("piper:test-voice@2");
        assertThat(STDERR.toString()).contains("piper:test-voice version 2 loaded");
    }
}

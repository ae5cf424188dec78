package dev.chorus.app.isolation;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** One {@code chorus serve} process with the test engine {@code crash} on its class path, its output kept. */
final class ServerProcess {

    private static final Pattern LISTENING = Pattern.compile("^chorus: listening on http://127\\.0\\.0\\.1:(\\d+)");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final Process process;
    private final StringBuffer log = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private ServerProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(this::read);
    }

    /** Starts a server with {@code config} in {@code dir}, finding the test engine through a services file there. */
    static ServerProcess start(Path dir, Path config) throws Exception {
        Path services = dir.resolve("engine/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("dev.chorus.tts.spi.TtsEngineProvider"),
                CrashEngineProvider.class.getName() + "\n");
        Path testClasses = Path.of(CrashEngineProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        List<String> classPath = List.of(System.getProperty("chorus.app.jar"), testClasses.toString(),
                dir.resolve("engine").toString());
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("chorus.java", "java"), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", String.join(File.pathSeparator, classPath),
                "dev.chorus.app.Main", "serve", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("CHORUS_LOG_FORMAT", "text");
        return new ServerProcess(pb.start());
    }

    /** Writes a server configuration with the crash engine, isolation {@code isolation}, and {@code more} lines. */
    static Path config(Path dir, String name, String isolation, String more) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                server:
                  port: 0
                engines:
                  enabled: crash
                  default-voice: crash:a
                  isolation: %s
                  isolated: crash
                  quarantine: 10m
                  workers: 2
                %s
                # More requests at once than workers: these tests are about isolation, so requests queue
                # (the default refuses a request whose predicted wait exceeds its own time).
                limits:
                  max-queue-wait-ratio: 0
                  admission-wait: 30s
                cache:
                  enabled: false
                  sentence:
                    max-bytes: 0
                jobs:
                  enabled: false
                """.formatted(isolation, more));
        return file;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        port.completeExceptionally(new AssertionError("process ended: " + log));
    }

    int port() throws Exception {
        return port.get(90, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        return log.toString();
    }

    /** Asks for {@code text} in {@code format} ({@code wav} or {@code pcm}), waiting up to {@code timeout}. */
    HttpResponse<byte[]> speech(String text, String format, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/v1/audio/speech"))
                .header("Content-Type", "application/json").timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + text + "\",\"voice\":\"crash:a\","
                        + "\"response_format\":\"" + format + "\",\"sample_rate\":16000}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> speech(String text) throws Exception {
        return speech(text, "wav", Duration.ofSeconds(30));
    }

    String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Returns the value of the first metric line starting with {@code name}. */
    static double metric(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(
                        l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in\n" + metrics));
    }

    static String body(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + r.headers().map() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Asserts a non-silent WAV of {@code words} words of the crash engine. */
    static void assertNonSilentWav(byte[] wav, int words) {
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        int samples = (wav.length - 44) / 2;
        assertThat(samples).isEqualTo(words * CrashEngineProvider.RATE / 10);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(wav, 44, wav.length - 44)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int peak = 0;
        while (b.remaining() >= 2) {
            peak = Math.max(peak, Math.abs(b.getShort()));
        }
        assertThat(peak).isGreaterThan(4000);
    }

    void destroy() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}

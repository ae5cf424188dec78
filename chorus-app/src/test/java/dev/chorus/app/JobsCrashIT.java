package dev.chorus.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the packaged {@code chorus serve} while 100 jobs are being submitted and a long job is halfway: after
 * a restart on the same data directory every acknowledged job exists and completes, retried submissions (same
 * Idempotency-Key) make no second job, and the interrupted long job's WAV equals an uninterrupted run's byte for
 * byte.
 */
@Timeout(240)
class JobsCrashIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHORT_JOBS = 100;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final StringBuffer stderr = new StringBuffer();
    private Process process;
    private int port;

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void start() throws Exception {
        Path config = dir.resolve("chorus.yaml");
        Files.writeString(config, """
                server:
                  port: 0
                  warm-up: false
                cache:
                  enabled: false
                jobs:
                  run-chars: 80
                  lease: 2s
                  workers: 2
                """);
        ProcessBuilder pb = new ProcessBuilder(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR, "serve", "--config", config.toString(),
                "--data-dir", dir.resolve("data").toString()))
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CHORUS_LOG_FORMAT", "text");
        process = pb.start();
        Process p = process;
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    stderr.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new AssertionError("server ended: " + stderr));
        });
        port = listening.get(120, TimeUnit.SECONDS);
    }

    private void kill9() throws Exception {
        assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor()).isZero();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> submit(String body, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/v1/audio/jobs")).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode job(String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/audio/jobs/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private byte[] audio(String id) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/v1/audio/jobs/" + id + "/audio")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private void awaitSucceeded(Iterable<String> ids, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        for (String id : ids) {
            while (true) {
                JsonNode j = job(id);
                String s = j.get("status").asText();
                if (s.equals("succeeded")) {
                    break;
                }
                assertThat(s).as(j.toString()).isIn("queued", "running");
                assertThat(System.nanoTime()).as("job " + id + " still " + s + "\n" + stderr).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static String longText() {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= 24; i++) {
            s.append("Chapter part ").append(i).append(" goes on with the story. ");
        }
        return s.toString();
    }

    private static String shortBody(int i) {
        return "{\"input\":\"Short job " + i + ".\",\"response_format\":\"pcm\"}";
    }

    @Test
    void acknowledgedJobsSurviveKillMinus9AndAResumedJobEqualsAnUninterruptedOne() throws Exception {
        start();
        String longBody = "{\"input\":\"" + longText() + "\",\"response_format\":\"wav\"}";
        HttpResponse<String> l = submit(longBody, "long");
        assertThat(l.statusCode()).as(l.body() + stderr).isEqualTo(202);
        String longId = JSON.readTree(l.body()).get("id").asText();

        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread submitter = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < SHORT_JOBS && !stop.get(); i++) {
                try {
                    HttpResponse<String> r = submit(shortBody(i), "short-" + i);
                    if (r.statusCode() == 202) {
                        acked.put("short-" + i, JSON.readTree(r.body()).get("id").asText());
                    }
                } catch (Exception e) {
                    return; // The server is gone: this submission was not acknowledged.
                }
            }
        });
        // Kill once the long job is partly made and submissions are under way.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int done = 0;
        while (System.nanoTime() < deadline) {
            done = job(longId).get("progress").get("sentences_done").asInt();
            if (done >= 3 && acked.size() >= 20) {
                break;
            }
            Thread.sleep(20);
        }
        kill9();
        long killedAt = System.nanoTime();
        stop.set(true);
        submitter.join(30_000);
        assertThat(done).as(stderr.toString()).isBetween(3, 23);
        Map<String, String> before = Map.copyOf(acked);

        start();
        // Every acknowledged job is there; clients retry every submission with its key, and nothing is made twice.
        JsonNode afterRestart = job(longId);
        assertThat(afterRestart.get("progress").get("sentences_done").asInt()).isGreaterThanOrEqualTo(done);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < SHORT_JOBS; i++) {
            HttpResponse<String> r = submit(shortBody(i), "short-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            String id = JSON.readTree(r.body()).get("id").asText();
            if (before.containsKey("short-" + i)) {
                assertThat(id).isEqualTo(before.get("short-" + i));
                assertThat(r.headers().firstValue("idempotent-replayed")).hasValue("true");
            }
            ids.add(id);
        }
        assertThat(ids).hasSize(SHORT_JOBS);
        List<String> all = new ArrayList<>(ids);
        all.addFirst(longId);
        awaitSucceeded(all, Duration.ofSeconds(120));
        System.out.printf("killed with %d of %d short jobs acknowledged and the long job at %d of 24 sentences; all "
                + "%d jobs done %.1f s after the kill%n", before.size(), SHORT_JOBS, done, all.size(),
                (System.nanoTime() - killedAt) / 1e9);
        List<String> listed = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 20; page++) {
            JsonNode p = JSON.readTree(http.send(HttpRequest.newBuilder(uri("/v1/audio/jobs?limit=100"
                    + (after == null ? "" : "&after=" + after))).build(), HttpResponse.BodyHandlers.ofString()).body());
            p.get("data").forEach(j -> listed.add(j.get("id").asText()));
            if (!p.get("has_more").asBoolean()) {
                break;
            }
            after = p.get("next_cursor").asText();
        }
        assertThat(listed).hasSize(SHORT_JOBS + 1).containsExactlyInAnyOrderElementsOf(all);
        JsonNode longJob = job(longId);
        assertThat(longJob.get("progress").get("sentences_done").asInt()).isEqualTo(24);
        assertThat(longJob.get("progress").get("audio_seconds").asDouble()).isGreaterThan(24);

        // The same text made again without interruption gives the very same audio, sample for sample.
        HttpResponse<String> again = submit(longBody, "long-again");
        String againId = JSON.readTree(again.body()).get("id").asText();
        awaitSucceeded(List.of(againId), Duration.ofSeconds(90));
        byte[] resumed = audio(longId);
        assertThat(resumed.length).isGreaterThan(44 + 24 * 16_000);
        assertThat(resumed).isEqualTo(audio(againId));
    }
}

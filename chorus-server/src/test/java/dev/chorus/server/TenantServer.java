package dev.chorus.server;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real server with tenants, over the paced test engine (25 ms a word), for tests that restart it or run two:
 * the tenants tests start and stop it themselves. Also writes tenants files and floods the server.
 */
final class TenantServer implements AutoCloseable {

    private final Synthesizer synthesizer;
    private final ChorusServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TenantServer(Path tenantsFile, UnaryOperator<ServerConfig.Builder> settings) {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new PacedEngineProvider()))
                .workers("paced", 6).defaultVoice("paced:tone").build();
        synthesizer = Synthesizer.builder().registry(registry).maxPendingPerWorker(64).build();
        server = ChorusServer.create(synthesizer, settings.apply(ServerConfig.builder().port(0).warmUp(false)
                .shutdownQuietPeriod(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(2))
                .tenantsFile(tenantsFile).tenantsReloadInterval(Duration.ofMillis(100))).build()).start();
    }

    int port() {
        return server.port();
    }

    /** Returns the server, for tests that inspect its routes. */
    ChorusServer server() {
        return server;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpClient http() {
        return http;
    }

    /** Returns a speech request for {@code input} with {@code key} (none when null). */
    HttpRequest speech(String key, String input, String voice) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/audio/speech"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(input)
                        + (voice == null ? "" : ",\"voice\":" + Http.quote(voice)) + ",\"response_format\":\"pcm\",\"sample_rate\":16000}"));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b.build();
    }

    HttpResponse<byte[]> send(HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    @Override
    public void close() {
        server.stop();
        synthesizer.close();
    }

    /** A tenant for {@link #write}: its id, key (hashed into the file) and the rest of its YAML entry. */
    record Spec(String id, String key, String yaml) {
    }

    /** Writes a tenants file with one unrevoked key per tenant. */
    static void write(Path file, Spec... tenants) throws Exception {
        StringBuilder y = new StringBuilder("tenants:\n");
        for (Spec t : tenants) {
            y.append("  - id: ").append(t.id()).append('\n')
                    .append("    keys:\n      - id: main\n        hash: \"").append(ApiKeyHash.of(t.key()))
                    .append("\"\n");
            for (String line : t.yaml().split("\n")) {
                if (!line.isBlank()) {
                    y.append("    ").append(line).append('\n');
                }
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, y.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * What a flood got back, when its first and last requests were sent and when its last admitted (200) answer
     * came back ({@code System.nanoTime()}).
     */
    record Flood(List<HttpResponse<byte[]>> responses, long firstSent, long lastSent, long lastAdmittedReceived) {

        /** Returns how many requests the flood sent. */
        long sent() {
            return responses.size();
        }

        long count(int status) {
            return TenantServer.count(responses, status);
        }

        /**
         * Checks that {@code admitted} requests is what a ceiling of {@code perSecond}, refilled whole each second
         * after the first request, lets through a flood that lasted from {@code firstSent} to {@code lastSent}:
         * the admissions happened between the first send and the last admitted answer, so at most one ceiling for
         * each refill second that span reaches into, and at least {@code minShare} of a ceiling for each whole
         * second of sending (a server too busy to keep up serves a late flood in fewer seconds).
         */
        static void assertCeiling(long admitted, int perSecond, double minShare, long firstSent, long lastSent,
                                  long lastAdmitted) {
            long fullSeconds = (lastSent - firstSent) / 1_000_000_000L;
            long reached = (Math.max(lastSent, lastAdmitted) - firstSent) / 1_000_000_000L + 1;
            System.out.printf("admitted %d over %.2f s of sending (%d refill seconds reached)%n", admitted,
                    (lastSent - firstSent) / 1e9, reached);
            org.assertj.core.api.Assertions.assertThat(admitted).as("admitted").isBetween(
                    (long) (minShare * perSecond * fullSeconds), (long) perSecond * reached);
        }

    }

    /**
     * Sends {@code request} {@code perSecond} times a second for {@code duration}, without waiting for answers,
     * and returns every response once all have come back.
     */
    static Flood flood(HttpClient client, HttpRequest request, int perSecond, Duration duration)
            throws Exception {
        long[] sentAt = {0, 0};
        java.util.concurrent.atomic.AtomicLong lastAdmitted = new java.util.concurrent.atomic.AtomicLong();
        List<CompletableFuture<HttpResponse<byte[]>>> sent = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long period = 1_000_000_000L / perSecond;
        long count = duration.toNanos() / period;
        try {
            var task = timer.scheduleAtFixedRate(() -> {
                if (sent.size() < count) {
                    long now = System.nanoTime();
                    if (sent.isEmpty()) {
                        sentAt[0] = now;
                    }
                    sentAt[1] = now;
                    sent.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                        if (r.statusCode() == 200) {
                            lastAdmitted.accumulateAndGet(System.nanoTime(), Math::max);
                        }
                        return r;
                    }));
                }
            }, 0, period, TimeUnit.NANOSECONDS);
            // A busy machine may fall behind the timer; the flood then runs longer, but always sends them all.
            long deadline = System.nanoTime() + duration.toNanos() + TimeUnit.SECONDS.toNanos(30);
            while (sent.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            task.cancel(false);
        } finally {
            timer.shutdown();
        }
        List<HttpResponse<byte[]>> out = new ArrayList<>();
        for (CompletableFuture<HttpResponse<byte[]>> f : List.copyOf(sent)) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return new Flood(out, sentAt[0], sentAt[1], lastAdmitted.get());
    }

    /** Counts the responses with {@code status}. */
    static long count(List<HttpResponse<byte[]>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).count();
    }

    /** Waits up to 5 s for {@code check} to hold (a reload is seen within the 100 ms poll). */
    static void eventually(ThrowingSupplier<Boolean> check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!check.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(50);
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }
}

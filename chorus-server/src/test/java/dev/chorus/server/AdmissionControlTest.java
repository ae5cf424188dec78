package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission by prediction on an engine whose pace the test controls (two workers, 200 ms per request, so 10
 * requests/s at most): at three times that rate every request gets audio or a prompt 503 with Retry-After, none
 * times out, and the admitted ones stay within about twice the unloaded latency; under capacity none is refused.
 */
class AdmissionControlTest {

    /** Eight words: 8 x 25 ms = 200 ms on one worker. */
    private static final String SENTENCE = "One two three four five six seven eight.";
    private static final int CAPACITY_PER_SECOND = 10;

    /**
     * Plenty of slots, no admission wait: the prediction alone keeps the queue short, to about one request's own
     * time (200 ms), so admitted requests take at most about twice the unloaded time.
     */
    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 2).defaultVoice("paced:tone"),
            s -> s.maxPendingPerWorker(32).maxQueueWait(Duration.ofMillis(200)),
            c -> c.warmUp(false).requestTimeout(Duration.ofSeconds(20)));

    private static HttpRequest speech() {
        return HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(SENTENCE)
                        + ",\"response_format\":\"pcm\"}")).build();
    }

    /** One request's outcome: status, latency from its intended send time, Retry-After. */
    private record Outcome(int status, long millis, String retryAfter) {
    }

    /** Sends {@code n} requests at {@code perSecond}, open loop, and waits for every answer. */
    private static List<Outcome> openLoop(int perSecond, int n) throws Exception {
        List<CompletableFuture<Outcome>> answers = new ArrayList<>();
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long intended = t0 + i * interval;
            long sleep = intended - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            answers.add(SERVER.http().sendAsync(speech(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r ->
                    new Outcome(r.statusCode(), (System.nanoTime() - intended) / 1_000_000,
                            r.headers().firstValue("retry-after").orElse(null))));
        }
        List<Outcome> out = new ArrayList<>();
        for (CompletableFuture<Outcome> a : answers) {
            out.add(a.get(40, TimeUnit.SECONDS));
        }
        return out;
    }

    private static long p99(List<Outcome> outcomes) {
        List<Long> ms = new ArrayList<>(outcomes.stream().filter(o -> o.status() == 200).map(Outcome::millis).toList());
        Collections.sort(ms);
        return ms.get(Math.max(0, (int) Math.ceil(ms.size() * 0.99) - 1));
    }

    @Test
    void underThreeTimesCapacityEveryRequestGetsAudioOrAPrompt503AndAdmittedOnesStayFast() throws Exception {
        // Unloaded: one at a time (also teaches the estimate the engine's pace).
        List<Outcome> unloaded = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            unloaded.addAll(openLoop(1, 1));
        }
        assertThat(unloaded).allMatch(o -> o.status() == 200);
        long unloadedP99 = p99(unloaded);

        // Half of capacity: nobody is refused.
        List<Outcome> light = openLoop(CAPACITY_PER_SECOND / 2, 15);
        assertThat(light).allMatch(o -> o.status() == 200);

        // Three times capacity for three seconds.
        List<Outcome> heavy = openLoop(CAPACITY_PER_SECOND * 3, CAPACITY_PER_SECOND * 9);
        Map<Integer, Integer> byStatus = new TreeMap<>();
        heavy.forEach(o -> byStatus.merge(o.status(), 1, Integer::sum));
        assertThat(byStatus.keySet()).as("statuses %s", byStatus).containsOnly(200, 503);
        int admitted = byStatus.getOrDefault(200, 0);
        // Admitted work is about what two workers can do in the time (~30 of 90); allow wide noise either way.
        assertThat(admitted).as("statuses %s", byStatus).isBetween(15, 60);
        assertThat(heavy.stream().filter(o -> o.status() == 503))
                .allMatch(o -> o.retryAfter() != null && Integer.parseInt(o.retryAfter()) >= 1)
                // Refused at once, not after queueing: well under one request's own time.
                .allMatch(o -> o.millis() < 1000);
        long admittedP99 = p99(heavy);
        assertThat(admittedP99).as("admitted P99 %d ms vs unloaded P99 %d ms (statuses %s)", admittedP99,
                unloadedP99, byStatus).isLessThanOrEqualTo(2 * unloadedP99 + 150);
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Admitted work keeps its latency under a flood, counted in engine steps rather than milliseconds, so no noise
 * on the machine can change the outcome. The engine does one sentence per worker per step, and the test hands out
 * the steps ({@link GatedEngineProvider}): two workers, so two requests a step is capacity. Every step the test
 * sends three times that, waits until each new request is either admitted or answered, and only then lets the
 * engine take one step. With {@code limits.max-queue-wait-ratio: 1} an admitted request waits at most its own
 * time, so it is answered within two steps (an idle engine: one step); every other request is refused with 503
 * and Retry-After before the engine moves at all, so it waited in no queue; nothing times out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdmissionFloodTest {

    private static final int WORKERS = 2;
    private static final int STEPS = 12;
    private static final String SENTENCE = "One two three four five six seven eight.";

    /** Plenty of slots and no admission wait: only the predicted wait against the request's own time decides. */
    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new GatedEngineProvider()),
            r -> r.workers("gated", WORKERS).defaultVoice("gated:tone"),
            s -> s.maxPendingPerWorker(32).admissionWait(Duration.ZERO).maxQueueWaitRatio(1),
            c -> c.warmUp(false).requestTimeout(Duration.ofSeconds(50)));

    /** The step the engine is at: how many times the test let it move. */
    private static volatile int step;
    /** Requests answered with audio so far. */
    private static final AtomicInteger SERVED = new AtomicInteger();
    /** The gated engine's counters when this test began (other tests in this JVM may have used it). */
    private static int finishedBefore;

    private record Sent(int step, CompletableFuture<Answer> answer) {
    }

    private record Answer(int status, int step, String retryAfter, String body) {
    }

    private static Sent send() {
        HttpRequest r = HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech")).header("content-type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(SENTENCE)
                + ",\"response_format\":\"pcm\",\"sample_rate\":16000}")).build();
        return new Sent(step, SERVER.http().sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(a -> {
            Answer answer = new Answer(a.statusCode(), step, a.headers().firstValue("retry-after").orElse(null),
                    a.body());
            if (a.statusCode() == 200) {
                SERVED.incrementAndGet();
            }
            return answer;
        }));
    }

    private static int pending() {
        return SERVER.synthesizer().scheduler().pendingRequests("gated");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Lets each busy worker finish its sentence, and waits until both did and their clients have the audio. */
    private static void stepEngine() throws InterruptedException {
        int busy = Math.min(WORKERS, GatedEngineProvider.STARTED.get() - GatedEngineProvider.FINISHED.get());
        int target = GatedEngineProvider.FINISHED.get() + busy;
        step++;
        GatedEngineProvider.GATE.release(busy);
        await("the engine's step", () -> GatedEngineProvider.FINISHED.get() >= target);
        // One sentence a request: each finished sentence is one answered request.
        await("the step's answers", () -> SERVED.get() >= target - finishedBefore);
    }

    @Test
    void underAFloodAdmittedRequestsTakeAtMostTwiceTheirIdleTimeAndTheExcessIsRefusedBeforeAnyQueue()
            throws Exception {
        GatedEngineProvider.GATE.drainPermits();
        int startedBefore = GatedEngineProvider.STARTED.get();
        finishedBefore = GatedEngineProvider.FINISHED.get();
        assertThat(startedBefore).as("chunks another test left at the gate").isEqualTo(finishedBefore);
        // Unloaded: one request on an idle engine takes one step (and teaches the estimate the engine's pace).
        Sent idle = send();
        await("the first sentence to start", () -> GatedEngineProvider.STARTED.get() == startedBefore + 1);
        stepEngine();
        Answer first = idle.answer().get(20, TimeUnit.SECONDS);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.step() - idle.step()).isEqualTo(1);

        // The flood: three times capacity each step.
        List<Sent> flood = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
            for (int i = 0; i < 3 * WORKERS; i++) {
                flood.add(send());
            }
            // Before the engine moves, every new request is either admitted or already answered.
            await("every request admitted or answered", () -> pending()
                    + flood.stream().filter(x -> x.answer().isDone()).count() == flood.size());
            if (s == STEPS / 2) {
                // gRPC meets the same door.
                StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                        TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withDeadlineAfter(20, TimeUnit.SECONDS)
                                .synthesize(SynthesizeRequest.newBuilder().setText(SENTENCE).build()));
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription()).contains("limits.max-queue-wait-ratio");
            }
            stepEngine();
        }
        while (pending() > 0) {
            stepEngine();
        }

        int admitted = 0;
        int refused = 0;
        for (Sent x : flood) {
            Answer a = x.answer().get(20, TimeUnit.SECONDS);
            if (a.status() == 200) {
                admitted++;
                assertThat(a.step() - x.step()).as("steps an admitted request took").isBetween(1, 2);
            } else {
                refused++;
                assertThat(a.status()).isEqualTo(503);
                // Answered before the engine took the next step: it waited behind nobody.
                assertThat(a.step()).isEqualTo(x.step());
                assertThat(a.retryAfter()).isNotNull();
                assertThat(Integer.parseInt(a.retryAfter())).isPositive();
                JsonNode e = Http.JSON.readTree(a.body()).get("error");
                assertThat(e.get("code").asText()).isEqualTo("overloaded");
                assertThat(e.get("message").asText()).contains("limits.max-queue-wait-ratio");
            }
        }
        // The engine ran at capacity (two a step) and everything beyond was refused.
        assertThat(admitted).isBetween(2 * STEPS - 2, 2 * STEPS + 2);
        assertThat(refused).isEqualTo(flood.size() - admitted);
        assertThat(pending()).isZero();
    }
}

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Admission at the door, as a client sees it: with the engine full and as many requests waiting for it as
 * {@code limits.max-waiting-requests} allows, the next request is refused at once with 503 and Retry-After (gRPC:
 * RESOURCE_EXHAUSTED), not after the admission wait; the one that waited is served when the engine frees up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdmissionDoorTest {

    /** One worker, one admitted request, a long admission wait, and one request allowed to wait for it. */
    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 1).defaultVoice("paced:tone"),
            s -> s.maxPendingPerWorker(1).admissionWait(Duration.ofSeconds(20)),
            c -> c.maxWaitingRequests(1).warmUp(false));

    private static HttpRequest speech(String text) {
        return HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(text)
                        + ",\"response_format\":\"pcm\",\"sample_rate\":16000}")).build();
    }

    @Test
    void pastTheWaitingLimitARequestIsRefusedAtOnce() throws Exception {
        // 30 sentences of 8 words at 25 ms a word: 6 s of work holds the only slot.
        CompletableFuture<HttpResponse<byte[]>> running = SERVER.http().sendAsync(
                speech("One two three four five six seven eight. ".repeat(30)), HttpResponse.BodyHandlers.ofByteArray());
        awaitPending(1);
        CompletableFuture<HttpResponse<byte[]>> waiting = SERVER.http().sendAsync(speech("Two words."),
                HttpResponse.BodyHandlers.ofByteArray());
        awaitAtDoor(1); // it holds the door's one place, waiting for the slot

        long t0 = System.nanoTime();
        HttpResponse<byte[]> refused = SERVER.http().send(speech("Too many."), HttpResponse.BodyHandlers.ofByteArray());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        JsonNode e = Http.json(refused).get("error");
        assertThat(e.get("code").asText()).isEqualTo("overloaded");
        assertThat(e.get("message").asText()).contains("limits.max-waiting-requests");
        // Refused at the door, not after the 20 s admission wait (generous for a loaded machine).
        assertThat(took).isLessThan(Duration.ofSeconds(2));

        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class, () ->
                TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .synthesize(SynthesizeRequest.newBuilder().setText("Too many.").build()));
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(grpc.getStatus().getDescription()).contains("limits.max-waiting-requests");

        // Nothing accepted is lost: both admitted requests complete.
        assertThat(running.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> served = waiting.get(30, TimeUnit.SECONDS);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).hasSize(2 * 1600 * 2);
    }

    private static void awaitAtDoor(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (SERVER.server().waitingAtDoor() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(SERVER.server().waitingAtDoor()).isEqualTo(n);
    }

    private static void awaitPending(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (SERVER.synthesizer().scheduler().pendingRequests("paced") < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(SERVER.synthesizer().scheduler().pendingRequests("paced")).isEqualTo(n);
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.SynthesizeResponse;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
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
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Bounded streams, through the real server: HTTP/2 connections (REST and gRPC) are told, and held to, at most
 * {@code limits.max-streams-per-connection} open streams; a tenant whose limits name no {@code concurrent-streams}
 * gets the server's {@code tenants.concurrent-streams}, refused past it with 429 {@code concurrent_streams_exceeded}
 * and Retry-After on REST and RESOURCE_EXHAUSTED on gRPC, counted in the metrics. The engine is held at a gate, so
 * the streams stay open exactly as long as the test wants.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamLimitsTest {

    private static final String KEY_PLAIN = "plain-tenant-key-0123456789";
    private static final String KEY_WIDE = "wide-tenant-key-0123456789";
    private static final Path TENANTS = tenantsFile();

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new GatedEngineProvider()),
            r -> r.workers("gated", 8).defaultVoice("gated:tone"),
            s -> s.maxPendingPerWorker(4).admissionWait(Duration.ZERO),
            c -> c.warmUp(false).tenantsFile(TENANTS).tenantsConcurrentStreams(2).maxStreamsPerConnection(3));

    /** Tenant 'plain' names no stream limit (so the server's default of 2 holds); 'wide' allows 50. */
    private static Path tenantsFile() {
        try {
            Path f = Files.createTempFile("chorus-tenants", ".yaml");
            f.toFile().deleteOnExit();
            Files.writeString(f, "tenants:\n"
                    + "  - id: plain\n    keys:\n      - {id: k, hash: \"" + ApiKeyHash.of(KEY_PLAIN) + "\"}\n"
                    + "  - id: wide\n    keys:\n      - {id: k, hash: \"" + ApiKeyHash.of(KEY_WIDE) + "\"}\n"
                    + "    limits: {concurrent-streams: 50}\n", StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void closeTheGate() {
        GatedEngineProvider.GATE.drainPermits();
    }

    private static HttpRequest speech(String key) {
        return HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech")).header("content-type", "application/json")
                .header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"One sentence.\",\"response_format\":\"pcm\"}"))
                .build();
    }

    private static TextToSpeechGrpc.TextToSpeechStub grpc(String key) {
        return TextToSpeechGrpc.newStub(SERVER.channel()).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                        keyOf(key)))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static int pending() {
        return SERVER.synthesizer().scheduler().pendingRequests("gated");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static String metrics() throws Exception {
        return new String(Http.get(SERVER, "/metrics").body(), StandardCharsets.UTF_8);
    }

    @Test
    void aTenantWithoutItsOwnLimitGetsTheServersDefaultOnRestAndGrpc() throws Exception {
        List<CompletableFuture<HttpResponse<byte[]>>> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            open.add(SERVER.http().sendAsync(speech(KEY_PLAIN), HttpResponse.BodyHandlers.ofByteArray()));
        }
        await("two streams in progress", () -> pending() == 2);

        HttpResponse<byte[]> third = SERVER.http().send(speech(KEY_PLAIN), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(third.statusCode()).isEqualTo(429);
        JsonNode e = Http.json(third).get("error");
        assertThat(e.get("code").asText()).isEqualTo("concurrent_streams_exceeded");
        assertThat(e.get("message").asText()).contains("'plain'").contains("at most 2");
        assertThat(third.headers().firstValue("retry-after")).hasValue("1");

        StatusRuntimeException g = catchThrowableOfType(StatusRuntimeException.class, () ->
                TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withInterceptors(MetadataUtils
                        .newAttachHeadersInterceptor(keyOf(KEY_PLAIN))).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .synthesize(SynthesizeRequest.newBuilder().setText("One sentence.").build()));
        assertThat(g.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(g.getStatus().getDescription()).contains("at most 2");

        // Another tenant is not held by this one's streams.
        CompletableFuture<HttpResponse<byte[]>> other = SERVER.http().sendAsync(speech(KEY_WIDE),
                HttpResponse.BodyHandlers.ofByteArray());
        await("the other tenant's stream in progress", () -> pending() == 3);

        String m = metrics();
        assertThat(m).containsPattern("chorus_rejections_total\\{[^}]*reason=\"concurrent_streams\"[^}]*} [1-9]");
        assertThat(m).containsPattern("(?m)^chorus_tenant_streams_open(\\{[^}]*})? 3\\.0$");

        GatedEngineProvider.GATE.release(3);
        for (CompletableFuture<HttpResponse<byte[]>> r : open) {
            assertThat(r.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(other.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // The slots came back when the responses ended.
        GatedEngineProvider.GATE.release(1);
        assertThat(SERVER.http().send(speech(KEY_PLAIN), HttpResponse.BodyHandlers.ofByteArray()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anHttp2ConnectionIsToldAndHeldToTheStreamLimit() throws Exception {
        // What the server announces to any HTTP/2 client (prior knowledge over cleartext): SETTINGS_MAX_CONCURRENT_STREAMS.
        try (Socket s = new Socket("127.0.0.1", SERVER.server().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            assertThat(maxConcurrentStreams(new DataInputStream(s.getInputStream()))).isEqualTo(3);
        }

        // A gRPC client on one connection keeps its fourth and fifth calls until a stream closes.
        List<CompletableFuture<Status>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<Status> done = new CompletableFuture<>();
            grpc(KEY_WIDE).synthesize(SynthesizeRequest.newBuilder().setText("One sentence.").build(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(SynthesizeResponse value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            done.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            done.complete(Status.OK);
                        }
                    });
            calls.add(done);
        }
        await("three calls in progress", () -> pending() == 3);
        Thread.sleep(300);
        assertThat(pending()).as("calls in progress on one connection").isEqualTo(3);
        assertThat(calls).noneMatch(CompletableFuture::isDone);

        GatedEngineProvider.GATE.release(5);
        for (CompletableFuture<Status> c : calls) {
            assertThat(c.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        }
    }

    private static Metadata keyOf(String key) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return m;
    }

    /** Reads frames until the server's first SETTINGS frame and returns its MAX_CONCURRENT_STREAMS (-1: none). */
    private static long maxConcurrentStreams(DataInputStream in) throws IOException {
        for (int frames = 0; frames < 16; frames++) {
            int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            in.readInt(); // stream id
            byte[] payload = in.readNBytes(length);
            if (type == 4 && (flags & 1) == 0) {
                for (int i = 0; i + 6 <= payload.length; i += 6) {
                    int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
                    long value = ((payload[i + 2] & 0xffL) << 24) | ((payload[i + 3] & 0xffL) << 16)
                            | ((payload[i + 4] & 0xffL) << 8) | (payload[i + 5] & 0xffL);
                    if (id == 3) {
                        return value;
                    }
                }
                return -1;
            }
        }
        return -1;
    }
}

package dev.chorus.cluster.gateway;

import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.chorus.cluster.internal.WireFormat;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.proto.cluster.v1.WorkRequest;
import dev.chorus.proto.cluster.v1.WorkerGrpc;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A trace crosses the gateway → worker hop: a real worker API, given tracing, makes a span for each work request
 * as a child of the span its {@code traceparent} names, and marks a refused request's span as an error.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkerTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk otel;
    private static Synthesizer workerSide;
    private static WorkerServer worker;
    private static WorkerGrpc.WorkerBlockingStub stub;

    @BeforeAll
    static void start() {
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build();
        workerSide = Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(new LoudTone()))
                .defaultVoice("loud:tone").build()).build();
        worker = WorkerServer.start(workerSide, "127.0.0.1", 0, null, null, otel);
        stub = GrpcClients.builder("http://127.0.0.1:" + worker.port()).build(WorkerGrpc.WorkerBlockingStub.class);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (workerSide != null) {
            workerSide.close();
        }
        if (otel != null) {
            otel.close();
        }
    }

    @Test
    void aWorkRequestsSpanIsAChildOfTheGatewaysSpan() throws InterruptedException {
        SPANS.reset();
        stub.synthesize(request("Hello there. How are you?").build()).forEachRemaining(e -> { });

        SpanData span = awaitSpan();
        assertThat(span.getName()).isEqualTo("chorus.worker.synthesize");
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(PARENT_ID);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("chorus.voice"))).isEqualTo("loud:tone");
        assertThat(span.getAttributes().get(AttributeKey.longKey("chorus.audio_samples"))).isPositive();
        assertThat(span.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    }

    @Test
    void aRefusedRequestsSpanIsAnError() throws InterruptedException {
        SPANS.reset();
        assertThatThrownBy(() -> stub.synthesize(request("Hello.").setVoice("no:such").build())
                .forEachRemaining(e -> { }))
                .isInstanceOf(StatusRuntimeException.class);

        SpanData span = awaitSpan();
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    /** A work request as a gateway sends it, with the gateway's span as its {@code traceparent}. */
    private static WorkRequest.Builder request(String text) {
        return WireFormat.request(new SynthesisRequest(text, "loud:tone", null, AudioEncoding.PCM, 0, null),
                LoudTone.VOICE, false).setTraceparent("00-" + TRACE_ID + "-" + PARENT_ID + "-01");
    }

    /** The span ends when the synthesis completes, just after the last event reached the client. */
    private static SpanData awaitSpan() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (SPANS.getFinishedSpanItems().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(SPANS.getFinishedSpanItems()).hasSize(1);
        return SPANS.getFinishedSpanItems().getFirst();
    }
}

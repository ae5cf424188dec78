package dev.chorus.server;

import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tracing from the standard OTEL_* variables: off unless an exporter is named, sampling ratio honoured. */
class TracingTest {

    @Test
    void offUnlessAnExporterOrEndpointIsConfigured() {
        try (Tracing t = Tracing.configure(Map.of("OTEL_SERVICE_NAME", "x"))) {
            assertThat(t.exporting()).isFalse();
            assertThat(t.applyTo(ServerConfig.builder()).build().openTelemetry()).isNull();
        }
        assertThat(Tracing.exportConfigured(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")))
                .isTrue();
        assertThat(Tracing.exportConfigured(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
        assertThat(Tracing.exportConfigured(Map.of("OTEL_TRACES_EXPORTER", " "))).isFalse();
    }

    @Test
    void otlpExporterFromTheEndpointAndSamplingRatio() {
        try (Tracing t = Tracing.configure(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_TRACES_SAMPLER", "traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "0"))) {
            assertThat(t.exporting()).isTrue();
            assertThat(t.sdk().getSdkTracerProvider().toString()).contains("OtlpHttpSpanExporter")
                    .contains("TraceIdRatioBased{0");
            Span s = t.sdk().getTracer("test").spanBuilder("never sampled").startSpan();
            assertThat(s.getSpanContext().isValid()).isTrue();
            assertThat(s.getSpanContext().isSampled()).isFalse();
            s.end();
        }
        try (Tracing t = Tracing.configure(Map.of("OTEL_TRACES_EXPORTER", "console", "OTEL_TRACES_SAMPLER",
                "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "1"))) {
            Span s = t.sdk().getTracer("test").spanBuilder("always sampled").startSpan();
            assertThat(s.getSpanContext().isSampled()).isTrue();
            s.end();
        }
    }
}

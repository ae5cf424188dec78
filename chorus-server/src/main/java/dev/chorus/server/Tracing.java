package dev.chorus.server;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.HashMap;
import java.util.Map;

/**
 * Builds the OpenTelemetry SDK from the standard {@code OTEL_*} environment variables and {@code otel.*} system
 * properties. Export is off unless {@code OTEL_TRACES_EXPORTER} or {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set;
 * metrics and logs are never exported through OpenTelemetry (metrics go to {@code /metrics}).
 */
public final class Tracing implements AutoCloseable {

    private final OpenTelemetrySdk sdk;

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /** Returns the tracing the environment configures: export when it names an exporter, trace ids only otherwise. */
    public static Tracing configure(Map<String, String> env) {
        return new Tracing(fromEnvironment(env));
    }

    /** Returns the SDK, or null when nothing is exported. */
    OpenTelemetrySdk sdk() {
        return sdk;
    }

    /** Whether spans are exported. */
    public boolean exporting() {
        return sdk != null;
    }

    /** Gives the server the configured SDK, if any. */
    public ServerConfig.Builder applyTo(ServerConfig.Builder b) {
        return b.openTelemetry(sdk);
    }

    /** Flushes and stops the exporter. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }

    /** Returns whether the environment asks for traces to be exported. */
    public static boolean exportConfigured(Map<String, String> env) {
        return present(env, "OTEL_TRACES_EXPORTER") || present(env, "OTEL_EXPORTER_OTLP_ENDPOINT")
                || present(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                || System.getProperty("otel.traces.exporter") != null
                || System.getProperty("otel.exporter.otlp.endpoint") != null;
    }

    /**
     * Returns an SDK configured from the environment (service name {@code chorus} unless
     * {@code OTEL_SERVICE_NAME} says otherwise), or null when no exporter is configured. The caller closes it.
     */
    public static OpenTelemetrySdk fromEnvironment(Map<String, String> env) {
        if (!exportConfigured(env)) {
            return null;
        }
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> {
                    Map<String, String> defaults = new HashMap<>();
                    defaults.put("otel.service.name", "chorus");
                    defaults.put("otel.metrics.exporter", "none");
                    defaults.put("otel.logs.exporter", "none");
                    if (!present(env, "OTEL_TRACES_EXPORTER")) {
                        defaults.put("otel.traces.exporter", "otlp");
                    }
                    // The given variables, as the SDK would read them (the process's own still take precedence).
                    env.forEach((k, v) -> {
                        if (k.startsWith("OTEL_") && v != null && !v.isBlank()) {
                            defaults.put(k.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v);
                        }
                    });
                    return defaults;
                })
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
    }

    private static boolean present(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }
}

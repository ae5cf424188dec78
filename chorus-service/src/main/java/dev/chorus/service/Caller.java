package dev.chorus.service;

import java.util.Map;

/**
 * Who asks for a synthesis, as a front end knows it: the tenant, its content policy and priority, the client's
 * cache wishes, and where the pipeline reports back (response metadata, completion, telemetry). Front ends
 * implement it over their own request objects; the pipeline sees nothing of the protocol.
 */
public interface Caller {

    /** A caller with no tenant, default priority and nothing to report to. */
    Caller ANONYMOUS = new Caller() { };

    /** Returns the tenant's id, or {@code null} on an open server. */
    default String tenant() {
        return null;
    }

    /** Returns the tenant's own content policy (category to block, mask or log), laid over the server's. */
    default Map<String, String> contentPolicy() {
        return Map.of();
    }

    /**
     * Returns the tenant's own speech back-check mode, which replaces the server's for this request, or
     * {@code null} for the server's.
     */
    default dev.chorus.service.backcheck.BackcheckChoice backcheck() {
        return null;
    }

    /** Returns the scheduling priority (higher first; 0 is normal). */
    default int priority() {
        return 0;
    }

    /** Tells whether the client asked for a fresh synthesis outside the audio cache (e.g. Cache-Control). */
    default boolean noCache() {
        return false;
    }

    /** Returns an id for the request in logs and audit lines, or {@code null}. */
    default String requestId() {
        return null;
    }

    /** Returns where the request's telemetry goes. */
    default SpeechTelemetry telemetry() {
        return SpeechTelemetry.NONE;
    }

    /**
     * Receives response metadata a client may read (how the cache answered, rate-limit figures): an HTTP header
     * or gRPC metadata entry. Called before any audio.
     */
    default void metadata(String name, String value) {
    }

    /** Runs {@code action} once the response has ended, however it ended; at once when there is no response. */
    default void whenDone(Runnable action) {
        action.run();
    }
}

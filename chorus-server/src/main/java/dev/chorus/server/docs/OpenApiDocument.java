package dev.chorus.server.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Builds {@code /openapi.json}: the hand-written description of the REST routes ({@code openapi-base.json}
 * beside this class) plus the transcoded gRPC routes read from the proto.
 */
public final class OpenApiDocument {

    private OpenApiDocument() {
    }

    /** Returns the OpenAPI 3.1 document, in compact JSON. */
    static String build(ServiceDescriptor grpcService, String version) {
        return build(grpcService, version, true);
    }

    /** Returns the OpenAPI 3.1 document, leaving out {@code /metrics} when the server does not serve it. */
    public static String build(ServiceDescriptor grpcService, String version, boolean metrics) {
        return build(grpcService, version, metrics, false);
    }

    /**
     * Returns the OpenAPI 3.1 document, leaving out {@code /metrics} and the long-form jobs' routes when the
     * server does not serve them.
     */
    public static String build(ServiceDescriptor grpcService, String version, boolean metrics, boolean jobs) {
        ObjectNode doc;
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi-base.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi-base.json is missing from the server jar");
            }
            doc = (ObjectNode) new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ((ObjectNode) doc.get("info")).put("version", version);
        if (!metrics) {
            ((ObjectNode) doc.get("paths")).remove("/metrics");
        }
        if (!jobs) {
            ((ObjectNode) doc.get("paths")).properties().removeIf(e -> e.getKey().startsWith("/v1/audio/jobs"));
            ObjectNode schemas = (ObjectNode) doc.get("components").get("schemas");
            schemas.remove(java.util.List.of("CreateSpeechJobRequest", "AudioJobCreated", "AudioJob", "AudioJobList"));
        }
        ProtoOpenApi.addTo(doc, grpcService);
        if (jobs) {
            ProtoOpenApi.addTo(doc, dev.chorus.proto.tts.v1.JobsProto.getDescriptor().findServiceByName("Jobs"));
        }
        return doc.toString();
    }
}

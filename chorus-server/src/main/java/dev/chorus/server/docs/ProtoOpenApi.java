package dev.chorus.server.docs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Describes the HTTP/JSON routes of a gRPC service in OpenAPI terms, read from the same {@code google.api.http}
 * options that Armeria transcodes, so the document cannot drift from the routes. Field names are the proto names,
 * as the server's JSON marshaller prints them; 64-bit integers are strings, as proto3 JSON writes them.
 */
final class ProtoOpenApi {

    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}=]+)(=[^}]*)?}");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ProtoOpenApi() {
    }

    /** Adds a path item for every method with an HTTP rule, and a schema for every message they use. */
    static void addTo(ObjectNode openApi, ServiceDescriptor service) {
        ObjectNode paths = (ObjectNode) openApi.get("paths");
        ObjectNode schemas = (ObjectNode) openApi.get("components").get("schemas");
        Set<Descriptor> messages = new HashSet<>();
        for (MethodDescriptor m : service.getMethods()) {
            if (!m.getOptions().hasExtension(AnnotationsProto.http)) {
                continue;
            }
            HttpRule rule = m.getOptions().getExtension(AnnotationsProto.http);
            String verb = verb(rule);
            String template = template(rule);
            Matcher v = PATH_VARIABLE.matcher(template);
            String path = v.replaceAll("{$1}");
            ObjectNode op = paths.withObject(jsonPointer(path)).putObject(verb);
            op.put("operationId", lowerFirst(service.getName()) + m.getName());
            op.putArray("tags").add("gRPC " + service.getFullName());
            op.put("summary", "gRPC " + service.getFullName() + "/" + m.getName() + " as HTTP/JSON.");
            ArrayNode params = JSON.arrayNode();
            Set<String> inPath = new HashSet<>();
            v.reset();
            while (v.find()) {
                inPath.add(v.group(1));
                params.addObject().put("name", v.group(1)).put("in", "path").put("required", true)
                        .putObject("schema").put("type", "string");
            }
            if (rule.getBody().isEmpty()) {
                for (FieldDescriptor f : m.getInputType().getFields()) {
                    if (!inPath.contains(f.getName()) && !f.isRepeated()
                            && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                        params.addObject().put("name", f.getName()).put("in", "query").put("required", false)
                                .set("schema", fieldSchema(f));
                    }
                }
            } else {
                op.putObject("requestBody").put("required", true).putObject("content")
                        .putObject("application/json").putObject("schema").put("$ref", ref(m.getInputType()));
            }
            if (!params.isEmpty()) {
                op.set("parameters", params);
            }
            ObjectNode responses = op.putObject("responses");
            responses.putObject("200").put("description", "The " + m.getOutputType().getName() + ".")
                    .putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", ref(m.getOutputType()));
            // The tenant check answers these before the call reaches the service, in the OpenAI error shape.
            for (String status : List.of("401", "403", "429")) {
                responses.putObject(status).put("$ref", "#/components/responses/Status" + status);
            }
            ObjectNode grpcError = JSON.objectNode().put("description", "A gRPC status mapped to HTTP.");
            grpcError.putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", "#/components/schemas/GrpcJsonError");
            responses.set("400", grpcError.deepCopy().put("description",
                    "INVALID_ARGUMENT: the request is not valid (the message says why)."));
            responses.set("default", grpcError);
            if (!rule.getBody().isEmpty()) {
                messages.add(m.getInputType()); // a GET's request message is only its query parameters
            } else {
                for (FieldDescriptor f : m.getInputType().getFields()) {
                    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                        messages.add(f.getMessageType());
                    }
                }
            }
            messages.add(m.getOutputType());
        }
        Deque<Descriptor> todo = new ArrayDeque<>(messages);
        Set<Descriptor> done = new HashSet<>();
        while (!todo.isEmpty()) {
            Descriptor d = todo.pop();
            if (done.add(d)) {
                schemas.set(d.getFullName(), messageSchema(d, todo));
            }
        }
    }

    private static ObjectNode messageSchema(Descriptor d, Deque<Descriptor> todo) {
        ObjectNode s = JSON.objectNode().put("type", "object");
        ObjectNode props = s.putObject("properties");
        for (FieldDescriptor f : d.getFields()) {
            ObjectNode fs = fieldSchema(f);
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                todo.push(f.getMessageType());
            }
            if (f.getRealContainingOneof() != null) {
                fs.put("description", "One of '" + f.getRealContainingOneof().getName() + "': at most one is set.");
            }
            props.set(f.getName(), f.isRepeated() ? JSON.objectNode().put("type", "array").set("items", fs) : fs);
        }
        return s;
    }

    private static ObjectNode fieldSchema(FieldDescriptor f) {
        ObjectNode s = JSON.objectNode();
        switch (f.getJavaType()) {
            case STRING -> s.put("type", "string");
            case BYTE_STRING -> s.put("type", "string").put("contentEncoding", "base64");
            case BOOLEAN -> s.put("type", "boolean");
            case INT -> s.put("type", "integer").put("format", "int32");
            case LONG -> s.put("type", "string").put("format", "int64");
            case FLOAT, DOUBLE -> s.put("type", "number");
            case ENUM -> {
                s.put("type", "string");
                ArrayNode values = s.putArray("enum");
                for (EnumValueDescriptor e : f.getEnumType().getValues()) {
                    values.add(e.getName());
                }
            }
            case MESSAGE -> s.put("$ref", ref(f.getMessageType()));
        }
        return s;
    }

    private static String ref(Descriptor d) {
        return "#/components/schemas/" + d.getFullName();
    }

    private static String verb(HttpRule r) {
        return switch (r.getPatternCase()) {
            case GET -> "get";
            case POST -> "post";
            case PUT -> "put";
            case DELETE -> "delete";
            case PATCH -> "patch";
            case CUSTOM -> r.getCustom().getKind().toLowerCase(java.util.Locale.ROOT);
            case PATTERN_NOT_SET -> throw new IllegalStateException("HTTP rule without a pattern: " + r);
        };
    }

    private static String template(HttpRule r) {
        return switch (r.getPatternCase()) {
            case GET -> r.getGet();
            case POST -> r.getPost();
            case PUT -> r.getPut();
            case DELETE -> r.getDelete();
            case PATCH -> r.getPatch();
            case CUSTOM -> r.getCustom().getPath();
            case PATTERN_NOT_SET -> "";
        };
    }

    /** Returns a JSON pointer to a key that contains '/', for {@code withObject}. */
    private static String jsonPointer(String key) {
        return "/" + key.replace("~", "~0").replace("/", "~1");
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}

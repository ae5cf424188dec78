package dev.chorus.server.wyoming;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes Wyoming events: a JSON header on one line ({@code type}, optional {@code data},
 * {@code data_length}, {@code payload_length}, {@code version}), then {@code data_length} bytes of JSON data merged
 * into {@code data}, then {@code payload_length} bytes of payload. Both header forms are read: data inline in the
 * header, or in a data section (or both, the section's fields winning). Events are written the way the reference
 * implementation writes them: data in a data section.
 *
 * <p>Limits, so that a client cannot make the server hold unbounded input: a header line of at most
 * {@value #MAX_HEADER_BYTES} bytes; a data section and a payload of at most {@code maxSectionBytes} each
 * ({@code server.max-request-bytes}); JSON nested at most 32 levels. Past a limit, reading fails with a
 * {@link ProtocolException} before the oversized section is read.
 */
final class EventCodec {

    /** The longest header line read, newline included. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** The protocol version written in every header. */
    static final String VERSION = "1.8.0";

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(100).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private final long maxSectionBytes;

    EventCodec(long maxSectionBytes) {
        this.maxSectionBytes = maxSectionBytes;
    }

    /**
     * Reads the next event; returns {@code null} at the end of the stream between events. Blank lines between
     * events are skipped.
     *
     * @throws ProtocolException for a header that is not a JSON object with a {@code type}, bad lengths, a
     *                           section past the limits, or a stream that ends inside an event
     * @throws IOException       when the connection fails (or its idle timeout passes)
     */
    WyomingEvent read(InputStream in) throws IOException, ProtocolException {
        byte[] line;
        do {
            line = readLine(in);
            if (line == null) {
                return null;
            }
        } while (isBlank(line));
        ObjectNode header = object(line, "header");
        JsonNode type = header.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new ProtocolException("invalid_event", "event header: no \"type\" (expected: a JSON object such "
                    + "as {\"type\": \"describe\"} on one line)");
        }
        JsonNode inline = header.get("data");
        if (inline != null && !inline.isNull() && !(inline instanceof ObjectNode)) {
            throw new ProtocolException("invalid_event", "event header: \"data\" is " + inline.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT) + " (expected: a JSON object)");
        }
        ObjectNode data = inline instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        long dataLength = length(header, "data_length");
        long payloadLength = length(header, "payload_length");
        if (dataLength > 0) {
            data.setAll(object(readExactly(in, (int) dataLength, "data"), "data section"));
        }
        byte[] payload = payloadLength > 0 ? readExactly(in, (int) payloadLength, "payload") : new byte[0];
        return new WyomingEvent(type.asText(), data, payload);
    }

    /** Returns the header line without its newline, or null at the end of the stream before any byte. */
    private static byte[] readLine(InputStream in) throws IOException, ProtocolException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new ProtocolException("invalid_event", "the connection ended inside an event header "
                        + "(expected: a header line ending with a newline)");
            }
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() >= MAX_HEADER_BYTES - 1) {
                throw new ProtocolException("header_too_large", "event header: longer than " + MAX_HEADER_BYTES
                        + " bytes (expected: at most " + MAX_HEADER_BYTES + " bytes up to its newline; put large "
                        + "data in a data section)");
            }
            line.write(b);
        }
    }

    private long length(ObjectNode header, String name) throws ProtocolException {
        JsonNode n = header.get(name);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw new ProtocolException("invalid_event", "event header: \"" + name + "\": " + n
                    + " (expected: a whole number of bytes, >= 0)");
        }
        if (n.asLong() > maxSectionBytes) {
            String section = name.equals("data_length") ? "data section" : "payload";
            throw new ProtocolException(section.equals("payload") ? "payload_too_large" : "data_too_large",
                    "event header: \"" + name + "\": " + n.asLong() + " (expected: a " + section + " of at most "
                            + maxSectionBytes + " bytes, server.max-request-bytes)");
        }
        return n.asLong();
    }

    private static byte[] readExactly(InputStream in, int n, String what) throws IOException, ProtocolException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new ProtocolException("invalid_event", "the connection ended inside an event's " + what + " ("
                    + b.length + " of " + n + " bytes)");
        }
        return b;
    }

    private static ObjectNode object(byte[] json, String what) throws ProtocolException {
        JsonNode n;
        try (JsonParser p = JSON.createParser(json)) {
            n = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new ProtocolException("invalid_json", "event " + what + ": more than one JSON value "
                        + "(expected: one JSON object)");
            }
        } catch (IOException e) {
            throw new ProtocolException("invalid_json", "event " + what + ": not valid JSON ("
                    + firstLine(e.getMessage()) + ")");
        }
        if (!(n instanceof ObjectNode o)) {
            throw new ProtocolException("invalid_json", "event " + what + ": not a JSON object (expected: {...})");
        }
        return o;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String first = nl < 0 ? s : s.substring(0, nl);
        return first.length() > 200 ? first.substring(0, 200) + "..." : first;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Returns the bytes of an event: its header line, its data section (when {@code data} is not empty), payload. */
    static byte[] encode(String type, ObjectNode data, byte[] payload, int offset, int length) {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        header.put("type", type);
        header.put("version", VERSION);
        byte[] dataBytes = data == null || data.isEmpty() ? null : data.toString().getBytes(StandardCharsets.UTF_8);
        if (dataBytes != null) {
            header.put("data_length", dataBytes.length);
        }
        if (length > 0) {
            header.put("payload_length", length);
        }
        byte[] head = header.toString().getBytes(StandardCharsets.UTF_8);
        int dataLength = dataBytes == null ? 0 : dataBytes.length;
        byte[] out = new byte[head.length + 1 + dataLength + length];
        System.arraycopy(head, 0, out, 0, head.length);
        out[head.length] = '\n';
        if (dataBytes != null) {
            System.arraycopy(dataBytes, 0, out, head.length + 1, dataLength);
        }
        if (length > 0) {
            System.arraycopy(payload, offset, out, head.length + 1 + dataLength, length);
        }
        return out;
    }

    /** Returns the bytes of an event without a payload. */
    static byte[] encode(String type, ObjectNode data) {
        return encode(type, data, null, 0, 0);
    }
}

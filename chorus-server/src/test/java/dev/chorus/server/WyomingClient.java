package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Wyoming client written from the protocol's description, not from the server's code: events are a JSON header
 * line, then {@code data_length} bytes of JSON data, then {@code payload_length} bytes of payload. It sends events
 * either way the protocol allows (data in a data section, as the reference library writes them, or inline in the
 * header) and reads events as Home Assistant's client does. Every read is bounded by the socket's timeout.
 */
final class WyomingClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One event as received. */
    record Event(String type, JsonNode data, byte[] payload) {
        @Override
        public String toString() {
            return type + " " + data + (payload.length > 0 ? " +" + payload.length + " bytes" : "");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    WyomingClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends an event with its data in a data section (the reference implementation's form). */
    void send(String type, String dataJson) throws IOException {
        byte[] data = dataJson == null ? new byte[0] : dataJson.getBytes(StandardCharsets.UTF_8);
        String header = "{\"type\":\"" + type + "\",\"version\":\"1.5.3\""
                + (data.length > 0 ? ",\"data_length\":" + data.length : "") + "}\n";
        out.write(header.getBytes(StandardCharsets.UTF_8));
        out.write(data);
        out.flush();
    }

    /** Sends an event with its data inline in the header line. */
    void sendInline(String type, String dataJson) throws IOException {
        raw("{\"type\":\"" + type + "\",\"data\":" + dataJson + "}\n");
    }

    /** Sends bytes as they are. */
    void raw(String text) throws IOException {
        raw(text.getBytes(StandardCharsets.UTF_8));
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next event; throws {@link EOFException} when the server closed the connection. */
    Event read() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed" + (line.size() > 0 ? " inside a header" : ""));
            }
            line.write(b);
        }
        JsonNode header = JSON.readTree(line.toByteArray());
        ObjectNode data = header.has("data") && header.get("data").isObject() ? (ObjectNode) header.get("data")
                : JSON.createObjectNode();
        int dataLength = header.path("data_length").asInt(0);
        if (dataLength > 0) {
            data.setAll((ObjectNode) JSON.readTree(in.readNBytes(dataLength)));
        }
        int payloadLength = header.path("payload_length").asInt(0);
        byte[] payload = payloadLength > 0 ? in.readNBytes(payloadLength) : new byte[0];
        if (payload.length < payloadLength) {
            throw new EOFException("connection closed inside a payload");
        }
        return new Event(header.get("type").asText(), data, payload);
    }

    /** Reads events up to and including the first of type {@code last}. */
    List<Event> readUntil(String last) throws IOException {
        List<Event> events = new ArrayList<>();
        while (true) {
            Event e = read();
            events.add(e);
            if (e.type().equals(last) || e.type().equals("error")) {
                return events;
            }
        }
    }

    /** Tells whether the server has closed the connection (reads to the end, bounded by the timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** Returns the PCM of every audio-chunk in {@code events}, in order. */
    static byte[] pcm(List<Event> events) {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        events.stream().filter(e -> e.type().equals("audio-chunk")).forEach(e -> pcm.writeBytes(e.payload()));
        return pcm.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

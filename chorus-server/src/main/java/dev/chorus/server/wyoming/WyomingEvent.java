package dev.chorus.server.wyoming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Wyoming event as read from a connection: its type, its data (the header's inline {@code data} merged with
 * the data section) and its payload (empty when there is none).
 */
record WyomingEvent(String type, ObjectNode data, byte[] payload) {

    /** Returns the text field {@code name} of the data, or {@code null} when it is absent or not text. */
    String text(String name) {
        JsonNode n = data.get(name);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** Returns the object field {@code name} of the data, or {@code null} when it is absent or not an object. */
    ObjectNode object(String name) {
        JsonNode n = data.get(name);
        return n instanceof ObjectNode o ? o : null;
    }
}

package dev.chorus.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.UncheckedIOException;

/** Benchmark results and request bodies as JSON (Jackson). */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** Returns {@code value} (maps, lists, strings, numbers, booleans) as indented JSON, ending with a newline. */
    public static String write(Object value) {
        return text(value) + "\n";
    }

    /** Returns the JSON string literal of {@code s}. */
    public static String quote(String s) {
        return text(s);
    }

    private static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

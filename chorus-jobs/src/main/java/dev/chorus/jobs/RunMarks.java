package dev.chorus.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.runtime.Timing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A job's speech marks. Each run's timings are stored beside its audio, with input offsets already moved to the
 * whole input but sample offsets still from the run's start (the runs before it may not be made yet); the
 * assembled file gives each mark in the shape of the speech route's {@code json_marks}:
 * {@code {"time":370,"type":"word","start":6,"end":11,"value":"world"}}, time in milliseconds from the start of the
 * job's audio, start and end UTF-16 offsets into the job's input.
 */
final class RunMarks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunMarks() {
    }

    /** Returns a run's timings as JSON lines, input offsets moved by {@code inputOffset}. */
    static byte[] write(List<Timing> timings, int inputOffset) {
        StringBuilder s = new StringBuilder();
        for (Timing t : timings) {
            ObjectNode o = JSON.createObjectNode();
            o.put("sample", t.sampleOffset());
            o.put("type", t.kind() == Timing.Kind.MARK ? "ssml" : t.kind().id());
            o.put("start", t.sourceStart() + inputOffset);
            o.put("end", t.sourceEnd() + inputOffset);
            o.put("value", t.text());
            if (t.estimated()) {
                o.put("estimated", true);
            }
            s.append(o).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Copies a run's marks to {@code out} as speech marks, the run starting {@code samplesBefore} into the audio. */
    static void assemble(InputStream run, long samplesBefore, int rate, OutputStream out) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(run, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode in = JSON.readTree(line);
            ObjectNode o = JSON.createObjectNode();
            o.put("time", Math.round((samplesBefore + in.get("sample").asLong()) * 1000.0 / rate));
            o.put("type", in.get("type").asText());
            o.put("start", in.get("start").asInt());
            o.put("end", in.get("end").asInt());
            o.put("value", in.get("value").asText());
            if (in.has("estimated")) {
                o.put("estimated", true);
            }
            out.write((o + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}

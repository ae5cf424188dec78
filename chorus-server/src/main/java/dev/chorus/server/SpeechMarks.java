package dev.chorus.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.runtime.Timing;

/**
 * Speech marks in the shape Amazon Polly uses —
 * {@code {"time":370,"type":"word","start":6,"end":11,"value":"world"}} — for the {@code json_marks} response,
 * SSE {@code speech.timing} events and {@code chorus say --marks}. {@code type} is {@code sentence}, {@code word}
 * or {@code ssml} (marks), {@code time} is in milliseconds from the start of the audio, {@code start}/{@code end}
 * are UTF-16 offsets into the input; {@code "estimated": true} marks word times the engine did not report.
 */
public final class SpeechMarks {

    private SpeechMarks() {
    }

    /** Returns one speech mark as a line of JSON, without the line end. */
    public static String line(Timing t) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        fill(e, t, "type");
        return e.toString();
    }

    /** Writes a timing's speech-mark fields into {@code e}, its kind under {@code kindField}. */
    public static void fill(ObjectNode e, Timing t, String kindField) {
        e.put("time", t.timeMillis());
        e.put(kindField, t.kind() == Timing.Kind.MARK ? "ssml" : t.kind().id());
        e.put("start", t.sourceStart());
        e.put("end", t.sourceEnd());
        e.put("value", t.text());
        if (t.estimated()) {
            e.put("estimated", true);
        }
    }
}

package dev.chorus.jobs;

import dev.chorus.service.backcheck.BackcheckChoice;
import dev.chorus.service.backcheck.BackcheckMode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.service.SpeechInput;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.Pronunciation;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.TextOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A job's speech fields as stored: the {@link SpeechInput} a front end made, written as JSON so any node can
 * re-create it to make the job's runs.
 */
final class JobRequest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobRequest() {
    }

    /** Writes {@code in} as JSON (its deadline and cache wish are the node's, not stored). */
    static String write(SpeechInput in) {
        return write(in, java.util.Map.of(), 0);
    }

    /**
     * Writes {@code in} with what the job's runs take from the caller that created it: its tenant's content
     * policy and its priority.
     */
    static String write(SpeechInput in, java.util.Map<String, String> contentPolicy, int priority) {
        return write(in, contentPolicy, priority, null);
    }

    /** As {@link #write(SpeechInput, java.util.Map, int)}, with the tenant's own back-check mode (or null). */
    static String write(SpeechInput in, java.util.Map<String, String> contentPolicy, int priority,
                        BackcheckChoice backcheck) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode policy = o.putObject("content_policy");
        contentPolicy.forEach(policy::put);
        o.put("priority", priority);
        if (backcheck != null) {
            o.putObject("backcheck").put("mode", backcheck.mode().id())
                    .put("sample_fraction", backcheck.sampleFraction());
        }
        o.put("text", in.text());
        o.put("model", in.model());
        o.put("voice", in.voice());
        o.put("speed", in.options().speed());
        o.put("language", in.options().language());
        o.put("pitch", in.options().pitch());
        o.put("volume", in.options().volume());
        o.put("format", in.encoding().id());
        o.put("sample_rate", in.sampleRate());
        o.put("input_format", in.textOptions().format().name());
        o.put("normalize", in.textOptions().normalize());
        ArrayNode lex = o.putArray("lexicon");
        for (Pronunciation p : in.textOptions().lexicon()) {
            lex.addObject().put("match", p.match()).put("regex", p.regex()).put("alias", p.alias())
                    .put("phoneme", p.phoneme());
        }
        return o.toString();
    }

    /** Reads the content policy {@link #write} stored (empty when none). */
    static java.util.Map<String, String> contentPolicy(String json) {
        try {
            JsonNode p = JSON.readTree(json).get("content_policy");
            java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
            if (p != null) {
                p.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
            }
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored job request: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads the tenant's back-check mode {@link #write} stored (null when none). */
    static BackcheckChoice backcheck(String json) {
        try {
            JsonNode b = JSON.readTree(json).get("backcheck");
            return b == null ? null : new BackcheckChoice(BackcheckMode.parse(b.get("mode").asText()),
                    b.get("sample_fraction").asDouble());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored job request: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads the priority {@link #write} stored (0 when none). */
    static int priority(String json) {
        try {
            JsonNode p = JSON.readTree(json).get("priority");
            return p == null ? 0 : p.asInt();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored job request: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads what {@link #write} wrote. */
    static SpeechInput read(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            List<Pronunciation> lexicon = new ArrayList<>();
            for (JsonNode p : o.get("lexicon")) {
                lexicon.add(new Pronunciation(p.get("match").asText(), p.get("regex").asBoolean(), text(p, "alias"),
                        text(p, "phoneme")));
            }
            return new SpeechInput(o.get("text").asText(), "input", text(o, "model"), text(o, "voice"),
                    new SynthesisOptions(o.get("speed").asDouble(), text(o, "language"), o.get("pitch").asDouble(),
                            o.get("volume").asDouble()),
                    AudioEncoding.parse(o.get("format").asText()), o.get("sample_rate").asInt(),
                    new TextOptions(TextOptions.Format.valueOf(o.get("input_format").asText()),
                            o.get("normalize").asBoolean(), lexicon), null, false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored job request: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Returns a SHA-256 of the stored request and the job options, to tell a repeated request from a new one. */
    static String hash(String request, String extra) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(request.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(extra.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

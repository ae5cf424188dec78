package dev.chorus.server.wyoming;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.service.VoiceRouter;
import dev.chorus.tts.VoiceInfo;

import java.util.function.Predicate;

/**
 * The {@code info} event's data: one TTS program (this server, streaming supported) with every installed voice
 * the connection may use, as Home Assistant reads it. Built on each {@code describe}, since voices come and go.
 */
final class WyomingInfo {

    private final VoiceRouter router;
    private final String name;
    private final String version;

    WyomingInfo(VoiceRouter router, String name, String version) {
        this.router = router;
        this.name = name;
        this.version = version;
    }

    /** Returns the data of an {@code info} event listing the installed voices {@code allowed} accepts. */
    ObjectNode data(Predicate<VoiceInfo> allowed) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode data = f.objectNode();
        ObjectNode tts = data.putArray("tts").addObject();
        tts.put("name", name);
        tts.put("description", "Chorus text to speech");
        attribution(tts, "Chorus", "");
        tts.put("installed", true);
        tts.put("version", version);
        tts.put("supports_synthesize_streaming", true);
        ArrayNode voices = tts.putArray("voices");
        for (VoiceInfo v : router.voices(null, null)) {
            if (!allowed.test(v)) {
                continue;
            }
            ObjectNode o = voices.addObject();
            o.put("name", v.id());
            o.put("description", v.displayName() + " (" + v.language() + ", " + v.engine() + ")");
            attribution(o, router.engineDescription(v.engine()).orElse(v.engine()), "");
            o.put("installed", true);
            o.put("version", v.version());
            o.putArray("languages").add(v.language());
            o.putNull("speakers");
        }
        for (String kind : new String[] {"asr", "handle", "intent", "wake"}) {
            data.putArray(kind);
        }
        return data;
    }

    private static void attribution(ObjectNode o, String name, String url) {
        ObjectNode a = o.putObject("attribution");
        a.put("name", name);
        a.put("url", url);
    }
}

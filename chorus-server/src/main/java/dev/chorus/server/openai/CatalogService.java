package dev.chorus.server.openai;

import dev.chorus.service.ApiException;
import dev.chorus.service.VoiceRouter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.chorus.audio.AudioEncoders;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.internal.FileNames;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.Gender;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The read-only catalog routes: models, OpenAI-style voice names, and Chorus's voice list with filters. */
public final class CatalogService {

    private final VoiceRouter catalog;
    private final ServerConfig config;

    public CatalogService(VoiceRouter catalog, ServerConfig config) {
        this.catalog = catalog;
        this.config = config;
    }

    /** Lists the model names {@code /v1/audio/speech} accepts, in OpenAI's list shape. */
    @Get("/v1/models")
    @Description("Lists the accepted model names (OpenAI's TTS models and the engine ids) with what the server "
            + "can produce: formats, sample rates, SSML, timings.")
    public HttpResponse models() {
        ObjectNode root = list();
        ArrayNode data = root.putArray("data");
        ObjectNode caps = capabilities();
        for (String id : catalog.models()) {
            ObjectNode m = data.addObject().put("id", id).put("object", "model").put("created", 0)
                    .put("owned_by", "chorus");
            catalog.engineDescription(id).ifPresent(d -> m.put("description", FileNames.withoutDirectories(d)));
            m.set("capabilities", caps);
        }
        return HttpResponse.ofJson(root);
    }

    /**
     * Describes one model name {@code /v1/audio/speech} accepts, in OpenAI's model shape: its listed names, OpenAI's
     * dated snapshots ({@code gpt-4o-mini-tts-2025-03-20}) and the engine ids; 404 {@code model_not_found} else.
     */
    @Get("/v1/models/:id")
    @Description("Describes one accepted model name (OpenAI's model object); 404 model_not_found for others.")
    public HttpResponse model(@Param("id") @Description("A model name such as tts-1 or an engine id.") String id) {
        if (!catalog.isModel(id)) {
            throw new ApiException(404, "model_not_found", "model", "The model '" + id + "' does not exist "
                    + "(expected one of: " + String.join(", ", catalog.models()) + ", or a dated snapshot such as "
                    + "gpt-4o-mini-tts-2025-03-20)");
        }
        ObjectNode m = JsonNodeFactory.instance.objectNode().put("id", id.trim()).put("object", "model")
                .put("created", 0).put("owned_by", "chorus");
        catalog.engineDescription(id.trim()).ifPresent(d -> m.put("description", FileNames.withoutDirectories(d)));
        m.set("capabilities", capabilities());
        return HttpResponse.ofJson(m);
    }

    /** Describes the formats this server can write now (AAC needs the ffmpeg program) and other features. */
    private ObjectNode capabilities() {
        ObjectNode caps = JsonNodeFactory.instance.objectNode();
        ArrayNode formats = caps.putArray("response_formats");
        ObjectNode unavailable = caps.putObject("unavailable_formats");
        ObjectNode rates = caps.putObject("sample_rates");
        for (AudioEncoding e : AudioEncoding.values()) {
            if (AudioEncoders.available(e, config.encoderOptions())) {
                formats.add(e.id());
                ArrayNode r = rates.putArray(e.id());
                e.sampleRates().forEach(r::add);
            } else {
                unavailable.put(e.id(), AudioEncoders.unavailableReason(e, config.encoderOptions()).orElse("unavailable"));
            }
        }
        formats.add(SpeechRequest.SPEECH_MARKS);
        caps.putArray("stream_formats").add("audio").add("sse");
        caps.putArray("input_formats").add("text").add("ssml");
        caps.put("timings", true);
        caps.put("speed_min", SynthesisOptions.MIN_SPEED).put("speed_max", SynthesisOptions.MAX_SPEED);
        caps.put("pitch_min", SynthesisOptions.MIN_PITCH).put("pitch_max", SynthesisOptions.MAX_PITCH);
        caps.put("volume_min", SynthesisOptions.MIN_VOLUME).put("volume_max", SynthesisOptions.MAX_VOLUME);
        caps.put("max_input_chars", config.maxInputChars());
        return caps;
    }

    /**
     * Lists the voice names clients may send: aliases first, then voice ids. Answers in both shapes clients
     * look for: {@code data} (objects) and {@code voices} (plain names).
     */
    @Get("/v1/audio/voices")
    @Description("Lists the voice names to send as 'voice': OpenAI names (aliases) and Chorus voice ids.")
    public HttpResponse audioVoices(
            @Param("model") @Default("") @Description("Only voices this model can use.") String model) {
        ObjectNode root = list();
        ArrayNode data = root.putArray("data");
        ArrayNode names = root.putArray("voices");
        String engine = engineFilter(model);
        for (Map.Entry<String, VoiceInfo> a : catalog.aliases().entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            if (engine == null || a.getValue().engine().equals(engine)) {
                data.addObject().put("id", a.getKey()).put("name", a.getKey()).put("voice", a.getValue().id())
                        .put("language", a.getValue().language());
                names.add(a.getKey());
            }
        }
        for (VoiceInfo v : catalog.voices(null, engine)) {
            data.addObject().put("id", v.id()).put("name", v.displayName()).put("voice", v.id())
                    .put("language", v.language());
            names.add(v.id());
        }
        return HttpResponse.ofJson(root);
    }

    /** Lists installed voices with their details, filtered by language prefix, engine and gender. */
    @Get("/v1/voices")
    @Description("Lists installed voices with language, gender, engine, sample rate, version and streaming support.")
    public HttpResponse voices(
            @Param("language") @Default("") @Description("BCP-47 prefix: 'en' matches en-US and en-GB.")
            String language,
            @Param("engine") @Default("") @Description("Engine id, e.g. 'espeak'.") String engine,
            @Param("gender") @Default("") @Description("female, male or neutral.") String gender) {
        Gender g = gender(gender);
        Map<String, String> failures = catalog.failures();
        Map<String, List<String>> aliasNames = catalog.aliasesByVoice();
        ObjectNode root = list();
        ArrayNode data = root.putArray("data");
        for (VoiceInfo v : catalog.voices(language, engine)) {
            if (g != null && v.gender() != g) {
                continue;
            }
            ObjectNode o = data.addObject();
            o.put("id", v.id()).put("object", "voice").put("name", v.displayName()).put("language", v.language())
                    .put("gender", v.gender().name().toLowerCase(Locale.ROOT)).put("engine", v.engine())
                    .put("sample_rate", v.sampleRate()).put("version", v.version()).put("streaming", v.streaming());
            ArrayNode aliases = o.putArray("aliases");
            aliasNames.getOrDefault(v.id(), List.of()).forEach(aliases::add);
            String failure = failures.get(v.id());
            // A voice refused for now because it keeps crashing its engine host is not broken: it is quarantined.
            o.put("status", failure == null ? "ok" : failure.startsWith("quarantined") ? "quarantined" : "failed");
            if (failure != null) {
                o.put("error", FileNames.withoutDirectories(failure));
            }
        }
        // Public: the reasons without the server's directories (GET /admin/voices has them whole).
        ArrayNode failed = root.putArray("failed");
        failures.forEach((id, reason) -> failed.addObject().put("id", id)
                .put("error", FileNames.withoutDirectories(reason)));
        return HttpResponse.ofJson(root);
    }

    private String engineFilter(String model) {
        if (model == null || model.isBlank() || VoiceRouter.isOpenAiModel(model)) {
            return null;
        }
        if (!catalog.models().contains(model.trim())) {
            throw new ApiException(404, "model_not_found", "model", "model: '" + model + "' does not exist "
                    + "(expected one of: " + String.join(", ", catalog.models()) + ")");
        }
        return model.trim();
    }

    private static Gender gender(String g) {
        if (g == null || g.isBlank()) {
            return null;
        }
        Gender parsed = Gender.parse(g);
        if (parsed == Gender.UNKNOWN && !g.trim().equalsIgnoreCase("unknown")) {
            throw ApiException.badRequest("invalid_value", "gender", "gender: '" + g
                    + "' (expected: female, male, neutral or unknown)");
        }
        return parsed;
    }

    private static ObjectNode list() {
        return JsonNodeFactory.instance.objectNode().put("object", "list");
    }
}

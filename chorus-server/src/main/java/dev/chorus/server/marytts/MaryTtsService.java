package dev.chorus.server.marytts;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Path;
import com.linecorp.armeria.server.annotation.Post;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.server.internal.ServerCaller;
import dev.chorus.server.telemetry.RequestTelemetry;
import dev.chorus.service.Caller;
import dev.chorus.service.CompleteAudio;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechService;
import dev.chorus.service.VoiceRouter;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.Gender;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * MaryTTS 5.2's HTTP API at the server's root, so MaryTTS clients (Home Assistant's MaryTTS integration, openHAB,
 * screen readers) work by pointing at Chorus: {@code /process} speaks, and {@code /voices}, {@code /locales},
 * {@code /audioformats}, {@code /datatypes}, {@code /audioeffects} and {@code /version} describe the server in
 * MaryTTS's plain-text formats. A thin adapter over the speech pipeline: tenants, content rules, the audio cache
 * and telemetry apply as on every route. Runs on the blocking task executor because admission may wait for an
 * engine slot.
 */
public final class MaryTtsService {

    /** The MaryTTS version whose server this API answers as. */
    static final String MARY_VERSION = "5.2";

    /** Extra time Armeria allows beyond the synthesis deadline, so the deadline's own answer wins the race. */
    private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private final SpeechService speech;
    private final VoiceRouter router;
    private final ServerConfig config;
    private final String version;

    /** Creates the routes over {@code speech}; {@code version} is Chorus's, named in {@code /version}. */
    public MaryTtsService(SpeechService speech, ServerConfig config, String version) {
        this.speech = speech;
        this.router = speech.router();
        this.config = config;
        this.version = version;
    }

    /** Speaks {@code INPUT_TEXT}, from the query (GET) or the form body (POST), as MaryTTS's {@code /process}. */
    @Get
    @Post
    @Path("/process")
    @Blocking
    @Description("MaryTTS-compatible synthesis: INPUT_TEXT, INPUT_TYPE (TEXT, SSML), OUTPUT_TYPE=AUDIO, AUDIO "
            + "(WAVE_FILE, AU_FILE, AIFF_FILE, MP3_FILE), LOCALE, VOICE; see docs/api.md.")
    public HttpResponse process(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        RequestTelemetry telemetry = RequestTelemetry.of(ctx);
        try {
            MaryRequest r = MaryRequest.parse(params(ctx, request));
            telemetry.format(r.audio().encoding());
            Caller caller = ServerCaller.of(ctx);
            PreparedSpeech prepared = prepare(r, caller);
            if (!r.ignored().isEmpty()) {
                ctx.addAdditionalResponseHeader("x-chorus-warnings", "audio effects not applied: "
                        + String.join(", ", r.ignored()).replaceAll("[^\\x20-\\x7e]", "?"));
            }
            ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, config.requestTimeout().plus(TIMEOUT_MARGIN));
            CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
            SynthesisHandle handle = speech.serve(prepared, caller, new CompleteAudio(r.audio().encoding()) {
                @Override
                protected void whole(byte[] audio, SynthesisSummary summary) {
                    byte[] file = r.audio().file(audio, summary.sampleRate());
                    answer.complete(HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
                            .contentType(MediaType.parse(r.audio().contentType())).contentLength(file.length)
                            .set("x-chorus-voice", prepared.voice().id())
                            .setInt("x-chorus-sample-rate", summary.sampleRate())
                            .build(), HttpData.wrap(file)));
                }

                @Override
                public void error(ChorusException error) {
                    telemetry.failed(error);
                    answer.complete(toMaryError(error, r).toResponse().toHttpResponse());
                }
            });
            ctx.whenRequestCancelling().thenRun(handle::cancel);
            return HttpResponse.of(answer);
        } catch (MaryError e) {
            telemetry.failed(new dev.chorus.service.ApiException(e.status(), "invalid_value", null, e.getMessage()));
            return e.toResponse().toHttpResponse();
        } catch (RuntimeException e) {
            telemetry.failed(e);
            return toMaryError(e, null).toResponse().toHttpResponse();
        }
    }

    /** Lists the installed voices, one a line: name, locale, gender and kind ({@code hmm} or {@code other}). */
    @Get
    @Post
    @Path("/voices")
    @Description("MaryTTS-compatible voice list: 'name locale gender kind' per line.")
    public HttpResponse voices() {
        List<VoiceInfo> all = router.voices(null, null);
        Map<String, Long> names = all.stream().collect(Collectors.groupingBy(v -> v.localName().toLowerCase(
                Locale.ROOT), Collectors.counting()));
        StringBuilder b = new StringBuilder();
        for (VoiceInfo v : all) {
            // The engine's own name (cmu-slt-hsmm) when no other voice shares it, else the Chorus id.
            String name = names.get(v.localName().toLowerCase(Locale.ROOT)) == 1 ? v.localName() : v.id();
            b.append(name).append(' ').append(maryLocale(v)).append(' ').append(gender(v.gender())).append(' ')
                    .append(v.engine().equals("hmm") ? "hmm" : "other").append('\n');
        }
        return text(b.toString());
    }

    /** Lists the locales the installed voices speak, one a line, in MaryTTS's form ({@code en_US}). */
    @Get
    @Post
    @Path("/locales")
    @Description("MaryTTS-compatible locale list, one per line.")
    public HttpResponse locales() {
        TreeSet<String> locales = new TreeSet<>();
        router.voices(null, null).forEach(v -> locales.add(maryLocale(v)));
        return text(locales.stream().map(l -> l + "\n").collect(Collectors.joining()));
    }

    /** Lists the audio file types {@code /process} writes, as MaryTTS names them. */
    @Get
    @Post
    @Path("/audioformats")
    @Description("MaryTTS-compatible list of the AUDIO values /process takes.")
    public HttpResponse audioFormats() {
        return text("WAVE_FILE\nAU_FILE\nAIFF_FILE\nMP3_FILE\nMP3_STREAM\n");
    }

    /** Lists the data types {@code /process} reads and writes, as MaryTTS's {@code /datatypes} does. */
    @Get
    @Post
    @Path("/datatypes")
    @Description("MaryTTS-compatible list of the INPUT_TYPE and OUTPUT_TYPE values /process takes.")
    public HttpResponse dataTypes() {
        return text("TEXT INPUT\nSSML INPUT\nAUDIO OUTPUT\n");
    }

    /** Lists the audio effects {@code /process} applies, with MaryTTS's example parameters. */
    @Get
    @Post
    @Path("/audioeffects")
    @Description("MaryTTS-compatible list of the audio effects /process applies (Volume, Rate).")
    public HttpResponse audioEffects() {
        return text("Volume amount:2.0;\nRate durScale:1.5;\n");
    }

    /** Answers MaryTTS's version line, naming Chorus as the implementation. */
    @Get
    @Post
    @Path("/version")
    @Description("MaryTTS-compatible version line.")
    public HttpResponse version() {
        return text("Mary TTS server " + MARY_VERSION + " (impl. Chorus " + version + ")");
    }

    /** Returns the OpenAPI document {@code openApi} without the MaryTTS routes (tagged {@code MaryTTS}). */
    public static String withoutRoutes(String openApi) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode doc =
                    (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(openApi);
            com.fasterxml.jackson.databind.node.ObjectNode paths =
                    (com.fasterxml.jackson.databind.node.ObjectNode) doc.get("paths");
            List<String> mary = new java.util.ArrayList<>();
            paths.properties().forEach(e -> e.getValue().forEach(op -> {
                if (op.path("tags").toString().contains("\"MaryTTS\"")) {
                    mary.add(e.getKey());
                }
            }));
            paths.remove(mary);
            return json.writeValueAsString(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document is not JSON", e);
        }
    }

    /** Resolves the voice as MaryTTS does (a name, a gender of the locale, or the locale's default), then prepares. */
    private PreparedSpeech prepare(MaryRequest r, Caller caller) {
        String voice = r.voice();
        if (voice == null) {
            List<VoiceInfo> speakers = router.voices(r.language(), null);
            if (speakers.isEmpty()) {
                throw MaryError.wrongValue("LOCALE", r.language().replace('-', '_'),
                        "no installed voice speaks it (GET /locales lists those that are)");
            }
            if (r.gender() != null) {
                voice = speakers.stream().filter(v -> gender(v.gender()).equals(r.gender())).map(VoiceInfo::id)
                        .findFirst().orElseThrow(() -> MaryError.wrongValue("VOICE", r.gender(),
                                "no " + r.gender() + " voice speaks " + r.language().replace('-', '_')));
            }
        }
        try {
            return speech.prepare(r.toInput(voice), caller);
        } catch (VoiceNotFoundException e) {
            throw MaryError.wrongValue("VOICE", voice, "no such voice (GET /voices lists them)");
        }
    }

    /** Returns the error as a MaryTTS client sees it: the pipeline's status and message, in MaryTTS's page. */
    private static MaryError toMaryError(Throwable error, MaryRequest r) {
        Throwable t = ApiErrors.unwrap(error);
        if (t instanceof MaryError m) {
            return m;
        }
        if (t instanceof VoiceNotFoundException && r != null && r.voice() != null) {
            return MaryError.wrongValue("VOICE", r.voice(), "no such voice (GET /voices lists them)");
        }
        ApiErrors.ApiError e = ApiErrors.of(t);
        String message = e.param() != null && e.message().startsWith("input:")
                ? "INPUT_TEXT:" + e.message().substring("input:".length()) : e.message();
        return new MaryError(e.status(), message, e.retryAfterSeconds(), e.headers());
    }

    /** Returns the request's parameters: the query's, then a POST body's form fields (whatever its content type). */
    private static Map<String, String> params(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        QueryParams.fromQueryString(ctx.query()).forEach(params::put);
        if (request.method() == HttpMethod.POST && !request.content().isEmpty()) {
            MediaType type = request.contentType();
            if (type != null && type.is(MediaType.MULTIPART_FORM_DATA)) {
                throw new MaryError(415, "a multipart body (expected: form fields, "
                        + "application/x-www-form-urlencoded, as MaryTTS clients send them)");
            }
            QueryParams.fromQueryString(request.content().toString(StandardCharsets.UTF_8)).forEach(params::put);
        }
        return params;
    }

    private static String maryLocale(VoiceInfo v) {
        Locale l = v.locale();
        return l.getCountry().isEmpty() ? l.getLanguage() : l.getLanguage() + "_" + l.getCountry();
    }

    private static String gender(Gender g) {
        return g.name().toLowerCase(Locale.ROOT);
    }

    private static HttpResponse text(String body) {
        return HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, body);
    }
}

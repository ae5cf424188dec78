package dev.chorus.server;

import dev.chorus.service.Admission;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import dev.chorus.service.cache.AudioCache;
import dev.chorus.service.safety.ContentSafety;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.encoding.StreamDecoderFactory;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerListener;
import com.linecorp.armeria.server.ServerTlsConfig;
import com.linecorp.armeria.server.cors.CorsService;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.encoding.DecodingService;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.proto.tts.v1.TtsProto;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.admin.AdminService;
import dev.chorus.server.admin.HealthService;
import dev.chorus.server.admin.Readiness;
import dev.chorus.server.docs.OfflineDocsPage;
import dev.chorus.server.docs.OpenApiDocument;
import dev.chorus.server.grpc.GrpcHealth;
import dev.chorus.server.grpc.Reflection;
import dev.chorus.server.grpc.TextToSpeechService;
import dev.chorus.server.internal.AdmissionDoor;
import dev.chorus.server.internal.GrpcErrors;
import dev.chorus.server.internal.JsonErrorHandler;
import dev.chorus.server.internal.JsonRequestGuard;
import dev.chorus.server.internal.RequestIdDecorator;
import dev.chorus.server.internal.ResponseHeadCoalescer;
import dev.chorus.server.internal.SecurityHeaders;
import dev.chorus.server.marytts.MaryTtsService;
import dev.chorus.server.openai.CatalogService;
import dev.chorus.server.openai.OpenAiSpeechService;
import dev.chorus.server.telemetry.Telemetry;
import dev.chorus.server.tenant.TenantAdminService;
import dev.chorus.server.tenant.TenantAuthDecorator;
import dev.chorus.server.tenant.TenantGate;
import dev.chorus.server.tls.PeerIdentityDecorator;
import dev.chorus.server.tls.ReloadingTls;
import io.netty.handler.ssl.ClientAuth;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The Chorus server: one port that speaks HTTP/1.1, HTTP/2 cleartext (h2c) and gRPC (and, when configured, a
 * second, mutual-TLS port that serves the same routes over HTTPS), serving the OpenAI-compatible
 * speech API, the voice catalog, {@code chorus.tts.v1.TextToSpeech} (with HTTP/JSON transcoding and reflection),
 * {@code /openapi.json}, {@code /docs}, {@code /healthz}, {@code /readyz} and the web playground at {@code /}.
 *
 * <p>Request threads never synthesize: the {@link Synthesizer}'s engine pools do, and audio is written from
 * there as it is made. The caller owns the synthesizer and closes it after {@link #stop()}.
 */
public final class ChorusServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ChorusServer.class.getName());

    /** Where the playground's page, script and style sheet lie on the class path. */
    private static final String PLAYGROUND = "dev/chorus/server/playground";

    /** The page loads nothing from other origins: every asset comes from this server. */
    private static final String PLAYGROUND_CSP = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /**
     * The API docs (Armeria's DocService) run a bundled single-page app from this server: its scripts and workers
     * come from here; its style library injects inline styles and its editor compiles code at run time, which
     * needs 'unsafe-eval'; its link to Google Fonts is taken out (OfflineDocsPage). Nothing is loaded from another
     * origin, and no site may frame it.
     */
    private static final String DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; "
            + "style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; "
            + "worker-src 'self' blob:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /** Extra time Armeria allows a request beyond the synthesis deadline, so the deadline's own error wins. */
    private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private final Server server;
    private final Synthesizer synthesizer;
    private final ServerConfig config;
    private final VoiceRouter catalog;
    private final SpeechService speech;
    private final Readiness readiness = new Readiness();
    private final AdmissionDoor door;
    /** grpc.health.v1.Health: the server's readiness, for the server and for TextToSpeech. */
    private final GrpcHealth health = GrpcHealth.following(readiness, List.of(TextToSpeechGrpc.SERVICE_NAME));
    private final Telemetry telemetry;
    private final ContentSafety safety;
    /** The TLS listener's reloading certificate and trust, or null without one. */
    private final ReloadingTls tls;
    private final TenantGate tenants;
    private final AudioCache cache;
    /** The long-form jobs, or null when the jobs API is off. */
    private final dev.chorus.jobs.Jobs jobs;
    /** The Wyoming listener, or null without a wyoming.port. */
    private final dev.chorus.server.wyoming.WyomingServer wyoming;
    /** The speech back-check, or null when it is off. */
    private final dev.chorus.service.backcheck.Backcheck backcheck;
    /** The recognizer the voice release gate opened for itself, or null. */
    private final dev.chorus.asr.Recognizer gateRecognizer;
    private final dev.chorus.service.quality.MosEstimates mosEstimates;

    /** Admin routes answering JSON (path to body) that the program adds, such as a gateway's /admin/cluster. */
    private final java.util.Map<String, java.util.function.Supplier<String>> adminJson;

    private ChorusServer(Synthesizer synthesizer, ServerConfig config) {
        this(synthesizer, config, null, java.util.Map.of());
    }

    private ChorusServer(Synthesizer synthesizer, ServerConfig config, Synthesis synthesis,
                         java.util.Map<String, java.util.function.Supplier<String>> adminJson) {
        this.adminJson = java.util.Map.copyOf(adminJson);
        this.synthesizer = Objects.requireNonNull(synthesizer, "synthesizer");
        this.config = Objects.requireNonNull(config, "config");
        this.catalog = new VoiceRouter(synthesizer.registry(), config.voiceAliases());
        // First, so a missing or broken certificate file fails before anything else is made.
        this.tls = config.tls() == null ? null : new ReloadingTls(config.tls());
        this.telemetry = new Telemetry(config);
        this.door = new AdmissionDoor(config.maxWaitingRequests());
        telemetry.bindSynthesizer(synthesizer);
        this.safety = ContentSafety.create(config.safety(), telemetry.registry());
        this.cache = AudioCache.create(new AudioCache.Settings(config.cacheEnabled(), config.cacheMaxBytes(),
                config.cacheMaxEntryBytes(), config.cacheDiskPath(), config.cacheDiskMaxBytes()));
        cache.bindTo(telemetry.registry(), synthesizer.sentenceCache());
        this.tenants = tenants(config);
        if (tenants != null) {
            telemetry.bindTenants(tenants);
        }
        this.backcheck = Backchecks.open(config.backcheck(), safety, telemetry.registry());
        if (tenants != null) {
            tenants.backcheck(backcheck != null);
        }
        this.gateRecognizer = Backchecks.installReleaseGate(config.releaseGate(), config.backcheck(), backcheck,
                synthesizer.registry(), telemetry.registry());
        SpeechService.Builder speechBuilder = SpeechService.builder(
                synthesis != null ? synthesis : Synthesis.local(synthesizer), catalog)
                .parser(synthesizer.parser().withMaxInputChars(config.maxInputChars()))
                .encoderOptions(config.encoderOptions())
                .defaultTimeout(config.requestTimeout())
                .contentSafety(safety)
                .admission(tenants != null ? tenants : Admission.OPEN)
                .cache(cache)
                .signalChecks(telemetry.registry());
        if (backcheck != null) {
            speechBuilder.backcheck(backcheck);
        }
        this.mosEstimates = QualityEstimates.open(config.qualityMos(), telemetry.registry(), backcheck);
        if (mosEstimates != null) {
            speechBuilder.mosEstimates(mosEstimates);
        }
        this.speech = speechBuilder.build();
        this.jobs = config.jobs() == null ? null : dev.chorus.jobs.Jobs.builder(speech, config.jobs())
                .admission(tenants != null ? tenants : Admission.OPEN).encoderOptions(config.encoderOptions())
                .maxRunChars(config.maxInputChars()).meterRegistry(telemetry.registry()).build();
        try {
            this.server = build();
            this.wyoming = config.wyoming() == null ? null : new dev.chorus.server.wyoming.WyomingServer(speech,
                    config, config.wyoming(), tenants, telemetry, version());
        } catch (RuntimeException e) {
            if (backcheck != null) {
                backcheck.close();
            }
            if (gateRecognizer != null) {
                gateRecognizer.close();
            }
            if (mosEstimates != null) {
                mosEstimates.close();
            }
            if (tls != null) {
                tls.close();
            }
            if (tenants != null) {
                tenants.close();
            }
            if (jobs != null) {
                jobs.close();
            }
            throw e;
        }
    }

    /** Returns the tenant gate of a configured tenants file, or null: the server runs open. */
    private static TenantGate tenants(ServerConfig config) {
        if (config.tenantsFile() == null) {
            LOG.log(System.Logger.Level.WARNING, "no tenants file (tenants.file): the server runs open, every "
                    + "request is served without a key");
            return null;
        }
        return TenantGate.open(config);
    }

    /** Creates a server over {@code synthesizer}; nothing listens until {@link #start()}. */
    public static ChorusServer create(Synthesizer synthesizer, ServerConfig config) {
        return new ChorusServer(synthesizer, config);
    }

    /**
     * Creates a server whose audio comes from {@code synthesis} (a cluster gateway's workers) instead of the
     * engines of {@code synthesizer}, which then only provides the voice catalog; {@code adminJson} adds GET
     * routes (path to JSON body) behind the admin key.
     */
    public static ChorusServer create(Synthesizer synthesizer, ServerConfig config, Synthesis synthesis,
                                      java.util.Map<String, java.util.function.Supplier<String>> adminJson) {
        return new ChorusServer(synthesizer, config, Objects.requireNonNull(synthesis, "synthesis"), adminJson);
    }

    /** Returns how many requests wait at the admission door now (limits.max-waiting-requests). */
    int waitingAtDoor() {
        return door.waiting();
    }

    /** Returns how many Wyoming connections are served now; 0 without a Wyoming port. */
    int wyomingConnections() {
        return wyoming != null ? wyoming.openConnections() : 0;
    }

    /** Returns the server's meter registry, for metrics of parts the program adds. */
    public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
        return telemetry.registry();
    }

    private Server build() {
        ServerBuilder sb = Server.builder()
                .requestTimeout(config.requestTimeout().plus(TIMEOUT_MARGIN))
                .maxRequestLength(config.maxRequestBytes())
                // HTTP/2 (REST and gRPC alike): one connection cannot open more streams than this at once.
                .http2MaxStreamsPerConnection(config.maxStreamsPerConnection())
                .gracefulShutdownTimeout(config.shutdownQuietPeriod(), config.shutdownTimeout())
                .errorHandler(new JsonErrorHandler(config.maxRequestBytes()))
                // No "server: Armeria/<version>" header: it tells attackers the version and costs each response a copy.
                .disableServerHeader()
                // The date header comes with each request's own headers (ResponseHeaderSink): Armeria's costs a copy.
                .disableDateHeader()
                // An HTTP/1 response's head goes out in the same socket write as its body (ResponseHeadCoalescer).
                .childChannelPipelineCustomizer(p -> p.addLast(new ResponseHeadCoalescer()))
                // Every request is logged by the access log; refusals of bad input are not server faults to nag about.
                .unloggedExceptionsReportInterval(Duration.ZERO)
                // One registry per server, so several servers in one JVM (tests) do not collide on meter names.
                .meterRegistry(telemetry.registry())
                .decorator(telemetry.decorator())
                .decorator(RequestIdDecorator.newDecorator())
                .serverListener(ServerListener.builder().whenStopping(s -> readiness.draining()).build());
        if (config.plaintext()) {
            sb.http(new InetSocketAddress(config.host(), config.port()));
        }
        if (tls != null) {
            listenTls(sb, config.tls());
        }
        if (telemetry.prometheus() != null) {
            sb.route().get("/metrics")
                    .build(PrometheusExpositionService.of(telemetry.prometheus().getPrometheusRegistry()));
        }
        // The routes that need a key get the tenant check; the open ones (health, metrics, the API description, the
        // docs, the playground) and the admin routes (the admin key) do not.
        if (!config.corsAllowedOrigins().isEmpty()) {
            sb.decorator(cors(config.corsAllowedOrigins()));
        }
        sb.annotatedService().decorators(jsonBody()).build(new OpenAiSpeechService(speech, config));
        sb.annotatedService().decorators(keyed()).build(new CatalogService(catalog, config));
        if (config.maryTtsEnabled()) {
            sb.annotatedService().decorators(keyed()).build(new MaryTtsService(speech, config, version()));
        }
        if (jobs != null) {
            // A job's body may be far larger than a request's (jobs.max-request-bytes); it reaches no engine now.
            sb.annotatedService().maxRequestLength(jobs.config().maxRequestBytes())
                    .decorators(jsonBody().subList(1, jsonBody().size()))
                    .build(new dev.chorus.server.jobs.JobsHttpService(jobs));
            // chorus.tts.v1.Jobs and its HTTP/JSON transcoding (/v1/tts/jobs), with the same checks as the REST routes.
            sb.service(dev.chorus.server.grpc.JobsService.grpcService(jobs), jsonBody().subList(1, jsonBody().size()));
        }
        sb.annotatedService(new HealthService(synthesizer, readiness));
        sb.annotatedService(new AdminService(synthesizer.registry(), config.adminKey()));
        adminJson.forEach((path, body) -> sb.route().get(path).build(AdminService.json(config.adminKey(), body)));
        if (tenants != null) {
            sb.annotatedService(new TenantAdminService(tenants, config.adminKey()));
        }
        String built = OpenApiDocument.build(TtsProto.getDescriptor().findServiceByName("TextToSpeech"),
                version(), telemetry.prometheus() != null, jobs != null);
        String openApi = config.maryTtsEnabled() ? built : MaryTtsService.withoutRoutes(built);
        sb.route().get("/openapi.json")
                .build((ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, openApi));
        sb.service(grpc(), jsonBody());
        // Open like /readyz, so probes (Kubernetes' gRPC probe, grpc_health_probe) need no key.
        sb.service(GrpcService.builder().addService(health.service()).build());
        sb.serviceUnder("/docs", DocService.builder()
                .exampleRequests(TextToSpeechGrpc.SERVICE_NAME, "Synthesize", SynthesizeRequest.newBuilder()
                        .setText("Hello from Chorus.").setVoice("alloy").build())
                .exampleRequests(OpenAiSpeechService.class, "speech",
                        "{\"model\":\"tts-1\",\"input\":\"Hello from Chorus.\",\"voice\":\"alloy\"}")
                .build().decorate(OfflineDocsPage.newDecorator()).decorate(SecurityHeaders.newDecorator(DOCS_CSP)));
        playground(sb);
        if (tls != null) {
            // Added last, so it runs first: every decorator and service sees the peer's identity.
            sb.decorator(new PeerIdentityDecorator(config.tls().peerHeader()));
        }
        return sb.build();
    }

    /**
     * Returns the decorators of a route that needs a key: the tenant check when the server has tenants, else none.
     * A route's own decorators run inside the server's, so a refusal is traced, counted and logged like any answer.
     */
    private List<Function<? super HttpService, ? extends HttpService>> keyed() {
        return tenants == null ? List.of() : List.of(TenantAuthDecorator.newDecorator(tenants));
    }

    /**
     * Returns the decorators of a route that takes a JSON (or gRPC) body: gzip and deflate bodies are decoded
     * within the request size limit (a body that inflates past it is refused with 413), then the guard (which
     * runs first) refuses other codings, other content types and other sites' pages; then the tenant check. The
     * admission door runs last, just before the route: only requests that would reach an engine count there.
     */
    private List<Function<? super HttpService, ? extends HttpService>> jsonBody() {
        List<Function<? super HttpService, ? extends HttpService>> d = new ArrayList<>();
        d.add(door.newDecorator());
        d.add(DecodingService.newDecorator(StreamDecoderFactory.gzip(), StreamDecoderFactory.deflate()));
        d.add(JsonRequestGuard.newDecorator(config.corsAllowedOrigins()));
        d.addAll(keyed());
        return d;
    }

    /**
     * CORS for browser apps served from the listed origins: preflights are answered, and responses carry the
     * headers that let those pages read them. Other origins get no CORS headers (and the guard refuses their
     * requests with a body).
     */
    private static Function<? super HttpService, CorsService> cors(List<String> origins) {
        return CorsService.builder(origins)
                .allowRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.DELETE)
                .allowRequestHeaders(HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.AUTHORIZATION,
                        HttpHeaderNames.of("x-api-key"), HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.ACCEPT,
                        HttpHeaderNames.CONTENT_ENCODING, HttpHeaderNames.of("x-request-id"),
                        HttpHeaderNames.of("idempotency-key"), HttpHeaderNames.RANGE)
                .exposeHeaders("x-chorus-voice", "x-chorus-cache", "x-chorus-warnings", "x-chorus-sample-rate",
                        "x-chorus-request-id", "x-request-id", "x-chorus-trace-id", "retry-after", "ratelimit-limit",
                        "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy", "location", "idempotent-replayed",
                        "content-range", "accept-ranges")
                .maxAge(Duration.ofMinutes(10))
                .newDecorator();
    }

    /** The gRPC service with its reflection (v1 and v1alpha) and HTTP/JSON transcoding. */
    private GrpcService grpc() {
        TextToSpeechService tts = new TextToSpeechService(speech, config);
        GrpcServiceBuilder b = GrpcService.builder().addService(tts);
        List<io.grpc.ServerServiceDefinition> reflected = new ArrayList<>(List.of(tts.bindService(),
                health.service().bindService()));
        if (jobs != null) {
            reflected.add(new dev.chorus.server.grpc.JobsService(jobs).bindService());
        }
        Reflection.services(reflected).forEach(b::addService);
        return b
                .enableHttpJsonTranscoding(true)
                // Proto field names (sample_rate), like every other JSON route of this server.
                .jsonMarshallerFactory(sd -> GrpcJsonMarshaller.builder()
                        .jsonMarshallerCustomizer(m -> m.preservingProtoFieldNames(true)).build(sd))
                .useBlockingTaskExecutor(true)
                .exceptionHandler(GrpcErrors::unreadableMessage)
                .maxRequestMessageLength((int) Math.min(Integer.MAX_VALUE, config.maxRequestBytes()))
                .build();
    }

    /**
     * The mutual-TLS listener: HTTPS with HTTP/2 (ALPN) and HTTP/1.1 on its own port, the same routes as the plain
     * port. The handshake requires (or, optionally, accepts) a client certificate that {@code SvidTrustManager}
     * checks; the peer-identity decorator is added last, so it runs first and every other decorator, tenant
     * resolution included, sees the client's SPIFFE ID.
     */
    private void listenTls(ServerBuilder sb, TlsConfig t) {
        String host = t.host() != null ? t.host() : config.host();
        sb.https(new InetSocketAddress(host, t.port()));
        sb.tlsProvider(tls, ServerTlsConfig.builder()
                .clientAuth(t.clientAuth() == TlsConfig.ClientAuth.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                // After Armeria's own trust manager over the same anchors: this one also applies the SVID rules.
                .tlsCustomizer(b -> b.trustManager(tls.trustManager()))
                .build());
    }

    /**
     * The web playground: {@code /} is its page, {@code /playground/*} its script and style sheet, all read from
     * the jar. Browsers revalidate them on each load (ETag and Last-Modified), so an upgraded server is seen at once.
     */
    private static void playground(ServerBuilder sb) {
        ClassLoader cl = ChorusServer.class.getClassLoader();
        sb.service("/", HttpFile.builder(cl, PLAYGROUND + "/index.html")
                .contentType(MediaType.HTML_UTF_8)
                .cacheControl(ServerCacheControl.REVALIDATED)
                .build().asService().decorate(SecurityHeaders.newDecorator(PLAYGROUND_CSP)));
        sb.serviceUnder("/playground/", FileService.builder(cl, PLAYGROUND)
                .cacheControl(ServerCacheControl.REVALIDATED)
                .setHeader("x-content-type-options", "nosniff")
                .build());
    }

    /**
     * Binds the port and starts warming the voices; returns once the port answers. {@code /readyz} turns 200
     * when warm-up is done (see {@link #whenReady()}).
     */
    public ChorusServer start() {
        server.start().join();
        if (wyoming != null) {
            try {
                wyoming.start();
            } catch (RuntimeException e) {
                stop();
                throw e;
            }
        }
        if (jobs != null) {
            jobs.start();
        }
        long t0 = System.nanoTime();
        readiness.warmUp(synthesizer, catalog.aliases().values(), config.warmUp());
        if (config.plaintext()) {
            LOG.log(System.Logger.Level.INFO, "listening on {0}:{1,number,#} (HTTP/1.1, h2c, gRPC)", config.host(),
                    port());
        }
        if (tls != null) {
            LOG.log(System.Logger.Level.INFO, "listening on {0}:{1,number,#} (HTTPS, HTTP/2, gRPC; mutual TLS, "
                    + "client certificate {2})", config.tls().host() != null ? config.tls().host() : config.host(),
                    tlsPort(), config.tls().clientAuth() == TlsConfig.ClientAuth.REQUIRE ? "required" : "optional");
        }
        readiness.whenReady().thenRun(() -> LOG.log(System.Logger.Level.INFO,
                "ready: {0} ms after the port opened, {1} ms after the process started",
                (System.nanoTime() - t0) / 1_000_000, sinceProcessStart().toMillis()));
        return this;
    }

    /** Returns the plain port the server listens on (the chosen one when configured as 0), or -1 when off. */
    public int port() {
        return config.plaintext() ? server.activeLocalPort(SessionProtocol.HTTP) : -1;
    }

    /** Returns the TLS port the server listens on (the chosen one when configured as 0), or -1 without one. */
    public int tlsPort() {
        return tls != null ? server.activeLocalPort(SessionProtocol.HTTPS) : -1;
    }

    /** Returns the Wyoming port (the chosen one when configured as 0), or -1 without one. */
    public int wyomingPort() {
        return wyoming != null ? wyoming.port() : -1;
    }

    /** Returns a future completed once the default voice is loaded and warm, or failed if it could not be. */
    public CompletableFuture<Void> whenReady() {
        return readiness.whenReady();
    }

    /** Tells whether {@code /readyz} answers 200. */
    public boolean isReady() {
        return readiness.state() == Readiness.State.READY;
    }

    /**
     * Stops gracefully: reports not-ready, stops accepting requests, lets in-flight requests and streams finish
     * within the shutdown timeout, then closes the port. Blocks until done.
     */
    public void stop() {
        readiness.draining();
        if (wyoming != null) {
            wyoming.close();
        }
        server.stop().join();
        if (jobs != null) {
            jobs.close();
        }
        cache.close();
        telemetry.close();
        if (backcheck != null) {
            backcheck.close();
        }
        if (gateRecognizer != null) {
            gateRecognizer.close();
        }
        if (mosEstimates != null) {
            mosEstimates.close();
        }
        safety.close();
        if (tls != null) {
            tls.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    /** Stops the server gracefully, as {@link #stop()} does. */
    @Override
    public void close() {
        stop();
    }

    /** Returns the audio cache, for tests that wait for its disk writes. */
    AudioCache cache() {
        return cache;
    }

    /** Returns the Armeria server, for tests that inspect its routes. */
    Server armeria() {
        return server;
    }

    private static Duration sinceProcessStart() {
        return ProcessHandle.current().info().startInstant()
                .map(t -> Duration.between(t, java.time.Instant.now())).orElse(Duration.ZERO);
    }

    private static String version() {
        String v = ChorusServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

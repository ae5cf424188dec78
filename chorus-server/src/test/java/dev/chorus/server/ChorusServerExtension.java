package dev.chorus.server;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.spi.TtsEngineProvider;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;


/**
 * Starts one real Chorus server on an ephemeral loopback port for a test class and stops it afterwards. By
 * default it opens the installed engines (hmm, and espeak when the library is present); tests may give their own
 * providers and settings.
 */
final class ChorusServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final List<TtsEngineProvider> providers;
    private final UnaryOperator<Synthesizer.Builder> synthesizerSettings;
    private final UnaryOperator<ServerConfig.Builder> serverSettings;
    private final UnaryOperator<EngineRegistry.Builder> registrySettings;
    private Synthesizer synthesizer;
    private ChorusServer server;
    private ManagedChannel channel;
    private HttpClient http;

    private ChorusServerExtension(List<TtsEngineProvider> providers, UnaryOperator<EngineRegistry.Builder> registry,
                                  UnaryOperator<Synthesizer.Builder> synth, UnaryOperator<ServerConfig.Builder> cfg) {
        this.providers = providers;
        this.registrySettings = registry;
        this.synthesizerSettings = synth;
        this.serverSettings = cfg;
    }

    /** Returns an extension over the installed engines: hmm (the default voice) and espeak when present. */
    static ChorusServerExtension installedEngines() {
        return new ChorusServerExtension(null, r -> r.workers("espeak", 2).workers("hmm", 1),
                s -> s, c -> c);
    }

    /** Returns an extension over the given engines and settings. */
    static ChorusServerExtension of(List<TtsEngineProvider> providers, UnaryOperator<EngineRegistry.Builder> registry,
                                    UnaryOperator<Synthesizer.Builder> synth, UnaryOperator<ServerConfig.Builder> cfg) {
        return new ChorusServerExtension(providers, registry, synth, cfg);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        EngineRegistry.Builder rb = EngineRegistry.builder();
        if (providers != null) {
            rb.providers(providers);
        }
        EngineRegistry registry = registrySettings.apply(rb).build();
        synthesizer = synthesizerSettings.apply(Synthesizer.builder().registry(registry)).build();
        server = ChorusServer.create(synthesizer, serverSettings.apply(ServerConfig.builder().port(0)).build())
                .start();
        server.whenReady().get(120, TimeUnit.SECONDS);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.stop();
        }
        if (synthesizer != null) {
            synthesizer.close();
        }
    }

    ChorusServer server() {
        return server;
    }

    Synthesizer synthesizer() {
        return synthesizer;
    }

    /** Returns the URI of {@code path} on this server. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Returns an HTTP/1.1 client, so chunked transfer encoding is visible. */
    HttpClient http() {
        return http;
    }

    /** Returns a plaintext gRPC channel to this server (grpc-java with Netty). */
    synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        }
        return channel;
    }

    /** Skips the calling test, loudly, when the espeak engine cannot run here. */
    void assumeEspeak() {
        if (!synthesizer.registry().engines().containsKey("espeak")) {
            throw new AssertionError("the espeak engine is unavailable here ("
                    + synthesizer.registry().unavailable().get("espeak")
                    + "): run scripts/install-test-deps.sh (libespeak-ng1, espeak-ng-data)");
        }
    }
}

package dev.chorus.app;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.safety.Action;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.MaskSound;
import dev.chorus.safety.SafetyConfig;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.TlsConfig;
import dev.chorus.tts.InvalidInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;

import static dev.chorus.app.SettingTable.POLICY_KEY;
import static dev.chorus.app.SettingTable.VOICE_KEY;

/**
 * The settings of {@code chorus serve}, and what they build. The work is shared out: {@link SettingTable} lists
 * every setting (its key, environment variable, default and meaning, as in docs/configuration.md);
 * {@link SourcedSettings} reads the defaults, the YAML file, the environment and the flags (each later source wins)
 * and remembers where each value came from; {@link RuntimeSettings} builds the engine registry and the synthesizer;
 * this class builds the server's configuration (listeners, TLS, limits, cache, tenants, content safety, logging).
 */
final class ServeSettings {

    /** Engine settings that also have an environment variable (other engine settings come from YAML only). */
    static final Map<String, String> ENGINE_SETTING_ENV = SettingTable.ENGINE_SETTING_ENV;

    private final SourcedSettings s;
    private final RuntimeSettings runtime;

    private ServeSettings(SourcedSettings settings) {
        this.s = settings;
        this.runtime = new RuntimeSettings(settings);
    }

    /**
     * Resolves the settings from a YAML file (may be {@code null}), the environment and flags (key to value).
     *
     * @throws InvalidInputException naming the key and its source when a setting is unknown or malformed
     */
    static ServeSettings load(Path file, Map<String, String> env, Map<String, String> flags) throws IOException {
        return new ServeSettings(SourcedSettings.load(file, env, flags));
    }

    /** Returns the engine registry these settings describe (not yet opened). */
    EngineRegistry.Builder registry() {
        return runtime.registry();
    }

    /** Applies the synthesis limits to a synthesizer builder. */
    Synthesizer.Builder synthesizer(EngineRegistry registry) {
        return runtime.synthesizer(registry);
    }

    /** Returns the resolved settings, for the parts of the program that read their own keys (cluster.*). */
    SourcedSettings sourced() {
        return s;
    }

    /** Returns every setting in effect with where it came from, one per line, for {@code --print-config}. */
    List<String> describe() {
        return s.describe();
    }

    /** Returns the encoder settings. */
    EncoderOptions encoderOptions() {
        EncoderOptions o = EncoderOptions.defaults();
        if (s.has("audio.mp3-bitrate")) {
            int kbps = s.integer("audio.mp3-bitrate");
            o = s.guard("audio.mp3-bitrate", () -> EncoderOptions.defaults().withMp3BitrateKbps(kbps));
        }
        if (s.has("audio.opus-bitrate")) {
            int kbps = s.integer("audio.opus-bitrate");
            EncoderOptions base = o;
            o = s.guard("audio.opus-bitrate", () -> base.withOpusBitrateKbps(kbps));
        }
        if (s.has("audio.aac-bitrate")) {
            int kbps = s.integer("audio.aac-bitrate");
            EncoderOptions base = o;
            o = s.guard("audio.aac-bitrate", () -> base.withAacBitrateKbps(kbps));
        }
        if (s.has("audio.ffmpeg")) {
            EncoderOptions base = o;
            o = s.guard("audio.ffmpeg", () -> base.withFfmpegProgram(s.string("audio.ffmpeg")));
        }
        return o;
    }

    /** Returns the server's configuration. */
    ServerConfig serverConfig() {
        return serverConfig(b -> b);
    }

    /** Returns the server's configuration, with {@code extra} applied to the builder last. */
    ServerConfig serverConfig(UnaryOperator<ServerConfig.Builder> extra) {
        ServerConfig.Builder b = ServerConfig.builder();
        s.guard("metrics.enabled", () -> b.metricsEnabled(s.flag("metrics.enabled")));
        s.guard("metrics.tenant-labels", () -> b.tenantLabels(s.flag("metrics.tenant-labels")));
        s.guard("logging.log-input", () -> b.logInput(s.flag("logging.log-input")));
        s.guard("server.host", () -> b.host(s.string("server.host")));
        s.guard("server.port", () -> b.port(s.integer("server.port")));
        s.guard("server.max-request-bytes", () -> b.maxRequestBytes(s.bytes("server.max-request-bytes")));
        s.guard("limits.max-unread-bytes", () -> b.maxUnreadBytes(s.bytes("limits.max-unread-bytes")));
        s.guard("limits.stream-buffer-bytes", () -> b.streamBufferBytes(s.bytes("limits.stream-buffer-bytes")));
        s.guard("limits.stall-timeout", () -> b.stallTimeout(s.duration("limits.stall-timeout")));
        s.guard("limits.max-waiting-requests", () -> b.maxWaitingRequests(s.integer("limits.max-waiting-requests")));
        s.guard("limits.max-streams-per-connection", () -> b.maxStreamsPerConnection(
                s.integer("limits.max-streams-per-connection")));
        s.guard("tenants.concurrent-streams", () -> b.tenantsConcurrentStreams(
                s.integer("tenants.concurrent-streams")));
        if (s.has("server.cors.allowed-origins")) {
            s.guard("server.cors.allowed-origins", () -> b.corsAllowedOrigins(s.list("server.cors.allowed-origins")));
        }
        s.guard("server.shutdown-quiet-period", () -> b.shutdownQuietPeriod(
                s.duration("server.shutdown-quiet-period")));
        s.guard("server.shutdown-timeout", () -> b.shutdownTimeout(s.duration("server.shutdown-timeout")));
        s.guard("server.plaintext", () -> b.plaintext(s.flag("server.plaintext")));
        TlsConfig tls = tls();
        if (tls != null) {
            b.tls(tls);
        }
        if (s.has("wyoming.port")) {
            b.wyoming(wyoming());
        }
        b.jobs(JobsSettings.config(s));
        s.guard("server.warm-up", () -> b.warmUp(s.flag("server.warm-up")));
        s.guard("marytts.enabled", () -> b.maryTtsEnabled(s.flag("marytts.enabled")));
        s.guard("limits.max-input-chars", () -> b.maxInputChars(s.integer("limits.max-input-chars")));
        s.guard("limits.request-timeout", () -> b.requestTimeout(s.duration("limits.request-timeout")));
        b.encoderOptions(encoderOptions());
        s.guard("cache.enabled", () -> b.cache(s.flag("cache.enabled")));
        s.guard("cache.max-bytes", () -> b.cacheMaxBytes(s.bytes("cache.max-bytes")));
        s.guard("cache.max-entry-bytes", () -> b.cacheMaxEntryBytes(s.bytes("cache.max-entry-bytes")));
        if (s.has("cache.disk.path")) {
            s.guard("cache.disk.path", () -> b.cacheDisk(Path.of(s.string("cache.disk.path")),
                    s.bytes("cache.disk.max-bytes")));
        }
        if (s.has("admin.key")) {
            s.guard("admin.key", () -> b.adminKey(s.string("admin.key")));
        }
        if (s.has("tenants.file")) {
            s.guard("tenants.file", () -> b.tenantsFile(Path.of(s.string("tenants.file"))));
        }
        if (s.has("tenants.state-dir")) {
            s.guard("tenants.state-dir", () -> b.tenantsStateDir(Path.of(s.string("tenants.state-dir"))));
        }
        if (s.has("tenants.redis.url")) {
            s.guard("tenants.redis.url", () -> b.tenantsRedisUrl(s.string("tenants.redis.url")));
        }
        s.guard("tenants.redis.on-outage", () -> b.tenantsRedisOnOutage(
                dev.chorus.server.tenant.OnOutage.of(s.string("tenants.redis.on-outage"))));
        s.guard("tenants.reload-interval", () -> b.tenantsReloadInterval(s.duration("tenants.reload-interval")));
        for (String key : s.keys()) {
            Matcher m = VOICE_KEY.matcher(key);
            if (m.matches()) {
                List<String> ids = s.list(key);
                s.guard(key, () -> b.voiceAlias(m.group(1), ids));
            }
        }
        b.safety(safety());
        b.backcheck(BackcheckSettingsReader.read(s));
        b.releaseGate(BackcheckSettingsReader.releaseGate(s));
        b.qualityMos(MosSettingsReader.read(s));
        extra.apply(b);
        return s.guard("server", b::build);
    }

    /** Returns the content-safety settings: off without {@code safety.rules}. */
    SafetyConfig safety() {
        SafetyConfig.Builder b = SafetyConfig.builder();
        if (s.has("safety.rules")) {
            b.rules(Path.of(s.string("safety.rules")));
        }
        Map<String, String> policy = new LinkedHashMap<>();
        for (String key : s.keys()) {
            Matcher m = POLICY_KEY.matcher(key);
            if (m.matches()) {
                policy.put(m.group(1), s.string(key));
            }
        }
        for (String key : policy.keySet()) {
            s.guard("safety.policy." + key, () -> Action.parse("safety.policy." + key,
                    policy.get(key)));
        }
        b.policy(ContentPolicy.parse(policy));
        s.guard("safety.mask", () -> b.mask(MaskSound.parse(s.string("safety.mask"))));
        String onTimeout = s.string("safety.on-timeout").trim().toLowerCase(Locale.ROOT);
        if (!onTimeout.equals("fail-closed") && !onTimeout.equals("fail-open")) {
            throw new InvalidInputException("safety.on-timeout", "safety.on-timeout: '" + onTimeout
                    + "' (expected: fail-closed or fail-open; from " + s.source("safety.on-timeout") + ")");
        }
        b.failClosed(onTimeout.equals("fail-closed"));
        s.guard("safety.pattern-timeout", () -> b.patternTimeout(s.duration("safety.pattern-timeout")));
        s.guard("safety.reload-interval", () -> b.reloadInterval(s.duration("safety.reload-interval")));
        if (s.has("safety.audit-log")) {
            b.auditLog(Path.of(s.string("safety.audit-log")));
        }
        s.guard("safety.audit-include-text", () -> b.auditIncludeText(s.flag("safety.audit-include-text")));
        return b.build();
    }

    /** Returns the TLS listener's settings, or null when no tls.port, tls.cert, tls.key or tls.trust is set. */
    private TlsConfig tls() {
        List<String> on = List.of("tls.port", "tls.cert", "tls.key", "tls.trust");
        if (on.stream().noneMatch(s::has)) {
            return null;
        }
        for (String key : List.of("tls.cert", "tls.key", "tls.trust")) {
            if (!s.has(key) || s.list(key).isEmpty()) {
                String set = on.stream().filter(s::has).map(s::label).findFirst().orElseThrow();
                throw new InvalidInputException(key, key + ": not set, but the TLS listener is on (" + set
                        + "); it needs tls.cert, tls.key and tls.trust (see docs/configuration.md)");
            }
        }
        TlsConfig.Builder t = TlsConfig.builder();
        if (s.has("tls.port")) {
            s.guard("tls.port", () -> t.port(s.integer("tls.port")));
        }
        if (s.has("tls.host")) {
            s.guard("tls.host", () -> t.host(s.string("tls.host")));
        }
        t.certificate(Path.of(s.string("tls.cert").trim()));
        t.privateKey(Path.of(s.string("tls.key").trim()));
        s.list("tls.trust").forEach(f -> t.trustBundle(Path.of(f)));
        s.guard("tls.client-auth", () -> t.clientAuth(TlsConfig.ClientAuth.of(s.string("tls.client-auth"))));
        if (s.has("tls.trust-domains")) {
            s.list("tls.trust-domains").forEach(d -> s.guard("tls.trust-domains", () -> t.trustDomain(d)));
        }
        s.guard("tls.reload-interval", () -> t.reloadInterval(s.duration("tls.reload-interval")));
        s.guard("tls.peer-header", () -> t.peerHeader(s.flag("tls.peer-header")));
        return s.guard("tls", t::build);
    }

    /** Returns the Wyoming listener's settings (called when wyoming.port is set). */
    private dev.chorus.server.wyoming.WyomingConfig wyoming() {
        var w = dev.chorus.server.wyoming.WyomingConfig.builder();
        s.guard("wyoming.port", () -> w.port(s.integer("wyoming.port")));
        if (s.has("wyoming.host")) {
            s.guard("wyoming.host", () -> w.host(s.string("wyoming.host")));
        }
        if (s.has("wyoming.tenant")) {
            s.guard("wyoming.tenant", () -> w.tenant(s.string("wyoming.tenant")));
        }
        s.guard("wyoming.zeroconf", () -> w.zeroconf(s.flag("wyoming.zeroconf")));
        s.guard("wyoming.name", () -> w.name(s.string("wyoming.name")));
        s.guard("wyoming.max-connections", () -> w.maxConnections(s.integer("wyoming.max-connections")));
        return w.build();
    }

    /** Decides the network transport ({@code server.transport}) and makes it the process's. */
    void applyTransport() {
        Transport.apply(s.string("server.transport"), s.source("server.transport"));
    }

    /** Returns the log format: json or text ({@code auto} resolved by whether stderr is a terminal). */
    String logFormat() {
        String f = s.string("logging.format").trim().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "json", "text" -> f;
            case "auto" -> System.console() != null && System.console().isTerminal() ? "text" : "json";
            default -> throw new InvalidInputException("logging.format", "logging.format: '" + f
                    + "' (expected: json, text or auto; from " + s.source("logging.format") + ")");
        };
    }

    /** Returns whether the access log is on. */
    boolean accessLog() {
        return s.guard("logging.access-log", () -> s.flag("logging.access-log"));
    }

    /** Whether what native libraries write to standard error becomes log lines (logger dev.chorus.native). */
    boolean captureNativeStderr() {
        return s.guard("logging.capture-native-stderr", () -> s.flag("logging.capture-native-stderr"));
    }
}

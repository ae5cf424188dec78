package dev.chorus.app;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SentenceCache;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.TlsConfig;
import dev.chorus.runtime.EditDistance;
import dev.chorus.tts.InvalidInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of {@code chorus serve}, resolved in order: defaults, then the YAML file, then environment
 * variables, then command-line flags (each later source wins). Every setting, its default and its environment
 * variable are listed in {@link #FIXED} and in docs/configuration.md; engine workers, engine settings and voice
 * aliases are open-ended keys with their own patterns.
 */
final class ServeSettings {

    /** One fixed setting: its YAML key, environment variable, default and meaning. */
    record Setting(String key, String env, String defaultValue, String description) {
    }

    static final List<Setting> FIXED = List.of(
            new Setting("server.host", "CHORUS_HOST", "127.0.0.1", "address to listen on (0.0.0.0: every interface)"),
            new Setting("server.port", "CHORUS_PORT", "8080", "plain port for HTTP/1.1, h2c and gRPC (0: any free port)"),
            new Setting("server.max-request-bytes", "CHORUS_MAX_REQUEST_BYTES", "1MiB", "largest request body"),
            new Setting("server.shutdown-quiet-period", "CHORUS_SHUTDOWN_QUIET_PERIOD", "1s",
                    "on shutdown, how long the server must be idle before it stops early"),
            new Setting("server.shutdown-timeout", "CHORUS_SHUTDOWN_TIMEOUT", "30s",
                    "on shutdown, the longest time in-flight requests and streams get to finish"),
            new Setting("server.plaintext", "CHORUS_PLAINTEXT", "true",
                    "bind the plain port (false: serve only on the TLS port, which must then be configured)"),
            new Setting("tls.port", "CHORUS_TLS_PORT", "(8443 when TLS is on)",
                    "port of the mutual-TLS listener (HTTPS, HTTP/2, gRPC); TLS is on when any tls.port, tls.cert, "
                            + "tls.key or tls.trust is set"),
            new Setting("tls.host", "CHORUS_TLS_HOST", "(server.host)", "address the TLS listener binds"),
            new Setting("tls.cert", "CHORUS_TLS_CERT", "(none)",
                    "PEM file with the server's certificate, then its intermediates; reloaded when it changes"),
            new Setting("tls.key", "CHORUS_TLS_KEY", "(none)",
                    "PEM file with the server's private key (PKCS#8, PKCS#1 or SEC1, unencrypted); reloaded"),
            new Setting("tls.trust", "CHORUS_TLS_TRUST", "(none)",
                    "PEM trust bundles, comma-separated: client certificates must chain to one of their "
                            + "certificates; reloaded"),
            new Setting("tls.client-auth", "CHORUS_TLS_CLIENT_AUTH", "require",
                    "require: no client certificate, no connection; optional: clients may connect without one"),
            new Setting("tls.trust-domains", "CHORUS_TLS_TRUST_DOMAINS", "(any)",
                    "SPIFFE trust domains accepted, comma-separated (others fail the handshake)"),
            new Setting("tls.reload-interval", "CHORUS_TLS_RELOAD_INTERVAL", "5s",
                    "how often the certificate, key and trust files are checked for changes"),
            new Setting("tls.peer-header", "CHORUS_TLS_PEER_HEADER", "false",
                    "answer with x-chorus-peer: the client's SPIFFE ID, on the TLS port"),
            new Setting("server.warm-up", "CHORUS_WARM_UP", "true",
                    "speak a phrase with the default voice before reporting ready"),
            new Setting("limits.max-input-chars", "CHORUS_MAX_INPUT_CHARS", "4096",
                    "longest input text, in characters"),
            new Setting("limits.request-timeout", "CHORUS_REQUEST_TIMEOUT", "5m", "deadline of one synthesis"),
            new Setting("limits.max-pending-per-worker", "CHORUS_MAX_PENDING_PER_WORKER", "4",
                    "requests admitted per engine worker (running or queued) before new ones wait"),
            new Setting("limits.admission-wait", "CHORUS_ADMISSION_WAIT", "2s",
                    "how long a request beyond that waits for a slot before 503 with Retry-After"),
            new Setting("limits.max-queue-wait", "CHORUS_MAX_QUEUE_WAIT", "0s",
                    "refuse at once (503) a request predicted to wait longer for a worker (0s: only its deadline)"),
            new Setting("limits.max-unread-bytes", "CHORUS_MAX_UNREAD_BYTES", "16MiB",
                    "audio bytes one response may hold for a slow client before it is ended with an error"),
            new Setting("engines.enabled", "CHORUS_ENGINES", "(all installed)",
                    "engine ids to open, comma-separated"),
            new Setting("engines.default-voice", "CHORUS_DEFAULT_VOICE", EngineRegistry.DEFAULT_VOICE,
                    "voice used when a request names none"),
            new Setting("admin.key", "CHORUS_ADMIN_KEY", "(none: admin routes off)",
                    "bearer key for the /admin routes (voices: load, unload, reload; tenants: usage); at least 16 "
                            + "characters"),
            new Setting("tenants.file", "CHORUS_TENANTS_FILE", "(none: the server runs open)",
                    "YAML file of tenants: API key hashes, SPIFFE IDs, voices, limits; reloaded when it changes"),
            new Setting("tenants.state-dir", "CHORUS_TENANTS_STATE_DIR", "(chorus-state beside the tenants file)",
                    "where monthly quota use is kept when there is no Redis"),
            new Setting("tenants.redis.url", "CHORUS_TENANTS_REDIS_URL", "(none: limits kept in this process)",
                    "Redis (redis://host:port) holding rate limits and quotas shared by every replica"),
            new Setting("tenants.reload-interval", "CHORUS_TENANTS_RELOAD_INTERVAL", "2s",
                    "how often the tenants file is checked for changes"),
            new Setting("metrics.enabled", "CHORUS_METRICS_ENABLED", "true",
                    "serve Prometheus metrics at /metrics"),
            new Setting("metrics.tenant-labels", "CHORUS_METRICS_TENANT_LABELS", "true",
                    "label request metrics with the tenant (false bounds cardinality)"),
            new Setting("logging.format", "CHORUS_LOG_FORMAT", "auto",
                    "log line format: json (one object per line), text, or auto (text on a terminal, json otherwise)"),
            new Setting("logging.access-log", "CHORUS_ACCESS_LOG", "true", "write one log line per request"),
            new Setting("logging.log-input", "CHORUS_LOG_INPUT", "false",
                    "log each request's input text (off: input text is never logged)"),
            new Setting("text.lexicons", "CHORUS_LEXICONS", "(none)",
                    "lexicon files (YAML or W3C PLS) applied to every request, comma-separated"),
            new Setting("audio.mp3-bitrate", "CHORUS_MP3_BITRATE", "(by sample rate)", "MP3 bitrate in kbps (CBR)"),
            new Setting("audio.opus-bitrate", "CHORUS_OPUS_BITRATE", "(encoder default)", "Opus bitrate in kbps"),
            new Setting("audio.aac-bitrate", "CHORUS_AAC_BITRATE", "(encoder default)", "AAC bitrate in kbps"),
            new Setting("audio.ffmpeg", "CHORUS_FFMPEG", "ffmpeg", "the ffmpeg program used to encode AAC"),
            new Setting("engines.workers", "CHORUS_WORKERS", "(CPU count)",
                    "concurrent syntheses per engine, unless engines.<id>.workers says otherwise"),
            new Setting("safety.rules", "CHORUS_SAFETY_RULES", "(none: content safety off)",
                    "YAML file of content rules (see docs/safety.md); reloaded when it changes"),
            new Setting("safety.policy.default", "CHORUS_SAFETY_POLICY_DEFAULT", "block",
                    "action for categories without a safety.policy.<category>: block, mask or log"),
            new Setting("safety.mask", "CHORUS_SAFETY_MASK", "beep",
                    "what masked words sound like: beep (a quiet 1 kHz tone) or silence"),
            new Setting("safety.on-timeout", "CHORUS_SAFETY_ON_TIMEOUT", "fail-closed",
                    "a pattern that runs out of time: fail-closed (counts as a match) or fail-open (only logged)"),
            new Setting("safety.pattern-timeout", "CHORUS_SAFETY_PATTERN_TIMEOUT", "50ms",
                    "time each rule pattern gets per request"),
            new Setting("safety.reload-interval", "CHORUS_SAFETY_RELOAD_INTERVAL", "2s",
                    "how often the rules file is checked for changes"),
            new Setting("safety.audit-log", "CHORUS_SAFETY_AUDIT_LOG", "(none: the dev.chorus.safety.audit logger)",
                    "file that receives one JSON line per content-safety decision"),
            new Setting("safety.audit-include-text", "CHORUS_SAFETY_AUDIT_INCLUDE_TEXT", "false",
                    "put the matched text in audit lines (off: offsets only)"),
            new Setting("cache.enabled", "CHORUS_CACHE_ENABLED", "true",
                    "cache finished audio and share one synthesis among identical requests in progress"),
            new Setting("cache.max-bytes", "CHORUS_CACHE_MAX_BYTES", "256MiB",
                    "encoded audio the memory tier of the response cache holds"),
            new Setting("cache.max-entry-bytes", "CHORUS_CACHE_MAX_ENTRY_BYTES", "8MiB",
                    "largest response cached (and joined by identical requests after its start)"),
            new Setting("cache.sentence.max-bytes", "CHORUS_CACHE_SENTENCE_MAX_BYTES", "64MiB",
                    "PCM of single sentences kept for reuse inside other texts (0: off)"),
            new Setting("cache.disk.path", "CHORUS_CACHE_DISK_PATH", "(none: memory only)",
                    "directory of the response cache's disk tier, kept across restarts"),
            new Setting("cache.disk.max-bytes", "CHORUS_CACHE_DISK_MAX_BYTES", "1GiB",
                    "bytes the disk tier's files may take; least recently used go first"));

    /** Engine settings that also have an environment variable (other engine settings come from YAML only). */
    static final Map<String, String> ENGINE_SETTING_ENV = Map.of(
            "CHORUS_ESPEAK_LIBRARY", "engines.espeak.library",
            "CHORUS_ESPEAK_DATA", "engines.espeak.data",
            "CHORUS_ESPEAK_ISOLATION", "engines.espeak.isolation",
            "CHORUS_HMM_LIB_DIR", "engines.hmm.lib.dir",
            "CHORUS_PIPER_VOICES", "engines.piper.voices",
            "CHORUS_PIPER_DEVICE", "engines.piper.device");

    private static final Pattern ENGINE_KEY = Pattern.compile("engines\\.([a-z0-9_-]+)\\.(.+)");
    private static final Pattern VOICE_KEY = Pattern.compile("openai\\.voices\\.([a-z0-9_-]+)");
    private static final Pattern ALIAS_KEY = Pattern.compile("voices\\.aliases\\.([A-Za-z0-9_.-]+)");
    private static final Pattern LANGUAGE_KEY = Pattern.compile("voices\\.languages\\.([A-Za-z0-9_-]+)");
    private static final Pattern POLICY_KEY = Pattern.compile("safety\\.policy\\.([a-z0-9][a-z0-9_.-]*)");
    private static final Pattern POLICY_ENV = Pattern.compile("CHORUS_SAFETY_POLICY_([A-Z0-9_]+)");
    private static final Pattern WORKERS_ENV = Pattern.compile("CHORUS_([A-Z0-9]+)_WORKERS");
    private static final Pattern VOICE_ENV = Pattern.compile("CHORUS_OPENAI_VOICE_([A-Z0-9_]+)");

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private ServeSettings() {
        for (Setting s : FIXED) {
            if (!s.defaultValue().startsWith("(")) {
                put(s.key(), s.defaultValue(), "default");
            }
        }
    }

    /**
     * Resolves the settings from a YAML file (may be {@code null}), the environment and flags (key to value).
     *
     * @throws InvalidInputException naming the key and its source when a setting is unknown or malformed
     */
    static ServeSettings load(Path file, Map<String, String> env, Map<String, String> flags) throws IOException {
        ServeSettings s = new ServeSettings();
        if (file != null) {
            ConfigFile.read(file).forEach((k, v) -> s.put(checkKey(k, file.toString()), v, file.toString()));
        }
        for (Setting f : FIXED) {
            if (env.containsKey(f.env())) {
                s.put(f.key(), env.get(f.env()), f.env());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            Matcher w = WORKERS_ENV.matcher(e.getKey());
            Matcher v = VOICE_ENV.matcher(e.getKey());
            Matcher p = POLICY_ENV.matcher(e.getKey());
            if (p.matches() && !e.getKey().equals("CHORUS_SAFETY_POLICY_DEFAULT")) {
                s.put("safety.policy." + p.group(1).toLowerCase(Locale.ROOT), e.getValue(), e.getKey());
            } else if (ENGINE_SETTING_ENV.containsKey(e.getKey())) {
                s.put(ENGINE_SETTING_ENV.get(e.getKey()), e.getValue(), e.getKey());
            } else if (w.matches()) {
                s.put("engines." + w.group(1).toLowerCase(Locale.ROOT) + ".workers", e.getValue(), e.getKey());
            } else if (v.matches()) {
                s.put("openai.voices." + v.group(1).toLowerCase(Locale.ROOT), SettingValues.list(e.getValue()),
                        e.getKey());
            }
        }
        flags.forEach((k, v) -> s.put(k, v, "--" + k.substring(k.indexOf('.') + 1)));
        return s;
    }

    private static String checkKey(String key, String source) {
        if (FIXED.stream().anyMatch(f -> f.key().equals(key)) || VOICE_KEY.matcher(key).matches()
                || ALIAS_KEY.matcher(key).matches() || LANGUAGE_KEY.matcher(key).matches()
                || POLICY_KEY.matcher(key).matches()
                || (ENGINE_KEY.matcher(key).matches() && !key.equals("engines.default-voice"))) {
            return key;
        }
        String closest = FIXED.stream().map(Setting::key)
                .min(Comparator.comparingInt(k -> EditDistance.between(k, key))).orElseThrow();
        throw new InvalidInputException(key, source + ": unknown setting '" + key + "' (did you mean '" + closest
                + "'? every setting is listed in docs/configuration.md)");
    }

    private void put(String key, Object value, String source) {
        values.put(key, value);
        sources.put(key, source);
    }

    private String string(String key) {
        Object v = values.get(key);
        return v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : (String) v;
    }

    /** Returns the engine registry these settings describe (not yet opened). */
    EngineRegistry.Builder registry() {
        EngineRegistry.Builder b = EngineRegistry.builder();
        String voice = string("engines.default-voice");
        if (values.containsKey("engines.enabled")) {
            Object v = values.get("engines.enabled");
            List<String> ids = v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : SettingValues.list((String) v);
            b.enabledEngines(Set.copyOf(ids));
            if ("default".equals(sources.get("engines.default-voice"))
                    && !ids.contains(voice.substring(0, voice.indexOf(':')))) {
                voice = null; // The built-in default's engine is off: take the first voice of the open engines.
            }
        }
        String defaultVoice = voice;
        guard("engines.default-voice", () -> b.defaultVoice(defaultVoice));
        if (values.containsKey("engines.workers")) {
            guard("engines.workers", () -> b.defaultWorkers(SettingValues.integer(label("engines.workers"),
                    string("engines.workers"))));
        }
        for (String key : values.keySet()) {
            Matcher m = ENGINE_KEY.matcher(key);
            if (!m.matches() || key.equals("engines.default-voice") || key.equals("engines.enabled")
                    || key.equals("engines.workers")) {
                continue;
            }
            if (m.group(2).equals("workers")) {
                guard(key, () -> b.workers(m.group(1), SettingValues.integer(label(key), string(key))));
            } else if (values.get(key) instanceof List<?> l && m.group(2).equals("voices")) {
                // A YAML list of voice folders becomes the engine's path-separated list.
                b.setting(m.group(1) + "." + m.group(2),
                        String.join(java.io.File.pathSeparator, l.stream().map(String::valueOf).toList()));
            } else {
                b.setting(m.group(1) + "." + m.group(2), string(key));
            }
        }
        for (String key : values.keySet()) {
            Matcher a = ALIAS_KEY.matcher(key);
            Matcher l = LANGUAGE_KEY.matcher(key);
            if (a.matches()) {
                guard(key, () -> b.alias(a.group(1), list(key)));
            } else if (l.matches()) {
                guard(key, () -> b.languageDefault(l.group(1), list(key)));
            }
        }
        return b;
    }

    /** Applies the synthesis limits to a synthesizer builder. */
    Synthesizer.Builder synthesizer(EngineRegistry registry) {
        Synthesizer.Builder b = Synthesizer.builder().registry(registry);
        guard("limits.request-timeout", () -> b.defaultTimeout(duration("limits.request-timeout")));
        guard("limits.max-pending-per-worker", () -> b.maxPendingPerWorker(SettingValues.integer(
                label("limits.max-pending-per-worker"), string("limits.max-pending-per-worker"))));
        guard("limits.admission-wait", () -> b.admissionWait(duration("limits.admission-wait")));
        guard("limits.max-queue-wait", () -> b.maxQueueWait(duration("limits.max-queue-wait")));
        guard("limits.max-input-chars", () -> b.maxInputChars(maxInputChars()));
        if (cacheEnabled()) {
            long sentences = guard("cache.sentence.max-bytes", () -> SettingValues.bytes(
                    label("cache.sentence.max-bytes"), string("cache.sentence.max-bytes")));
            if (sentences > 0) {
                guard("cache.sentence.max-bytes", () -> b.sentenceCache(SentenceCache.ofMaxBytes(sentences)));
            }
        }
        if (values.containsKey("text.lexicons")) {
            for (String f : list("text.lexicons")) {
                guard("text.lexicons", () -> b.lexicon(Lexicons.load(Path.of(f))));
            }
        }
        return b;
    }

    private List<String> list(String key) {
        Object v = values.get(key);
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : SettingValues.list((String) v);
    }

    /** Returns the encoder settings. */
    EncoderOptions encoderOptions() {
        EncoderOptions o = EncoderOptions.defaults();
        if (values.containsKey("audio.mp3-bitrate")) {
            int kbps = SettingValues.integer(label("audio.mp3-bitrate"), string("audio.mp3-bitrate"));
            o = guard("audio.mp3-bitrate", () -> EncoderOptions.defaults().withMp3BitrateKbps(kbps));
        }
        if (values.containsKey("audio.opus-bitrate")) {
            int kbps = SettingValues.integer(label("audio.opus-bitrate"), string("audio.opus-bitrate"));
            EncoderOptions base = o;
            o = guard("audio.opus-bitrate", () -> base.withOpusBitrateKbps(kbps));
        }
        if (values.containsKey("audio.aac-bitrate")) {
            int kbps = SettingValues.integer(label("audio.aac-bitrate"), string("audio.aac-bitrate"));
            EncoderOptions base = o;
            o = guard("audio.aac-bitrate", () -> base.withAacBitrateKbps(kbps));
        }
        if (values.containsKey("audio.ffmpeg")) {
            EncoderOptions base = o;
            o = guard("audio.ffmpeg", () -> base.withFfmpegProgram(string("audio.ffmpeg")));
        }
        return o;
    }

    /** Returns the server's configuration. */
    ServerConfig serverConfig() {
        return serverConfig(b -> b);
    }

    /** Returns the server's configuration, with {@code extra} applied to the builder last. */
    ServerConfig serverConfig(java.util.function.UnaryOperator<ServerConfig.Builder> extra) {
        ServerConfig.Builder b = ServerConfig.builder();
        guard("metrics.enabled", () -> b.metricsEnabled(flag("metrics.enabled")));
        guard("metrics.tenant-labels", () -> b.tenantLabels(flag("metrics.tenant-labels")));
        guard("logging.log-input", () -> b.logInput(flag("logging.log-input")));
        guard("server.host", () -> b.host(string("server.host")));
        guard("server.port", () -> b.port(SettingValues.integer(label("server.port"), string("server.port"))));
        guard("server.max-request-bytes", () -> b.maxRequestBytes(
                SettingValues.bytes(label("server.max-request-bytes"), string("server.max-request-bytes"))));
        guard("limits.max-unread-bytes", () -> b.maxUnreadBytes(
                SettingValues.bytes(label("limits.max-unread-bytes"), string("limits.max-unread-bytes"))));
        guard("server.shutdown-quiet-period", () -> b.shutdownQuietPeriod(duration("server.shutdown-quiet-period")));
        guard("server.shutdown-timeout", () -> b.shutdownTimeout(duration("server.shutdown-timeout")));
        guard("server.plaintext", () -> b.plaintext(flag("server.plaintext")));
        TlsConfig tls = tls();
        if (tls != null) {
            b.tls(tls);
        }
        guard("server.warm-up", () -> b.warmUp(SettingValues.bool(label("server.warm-up"), string("server.warm-up"))));
        guard("limits.max-input-chars", () -> b.maxInputChars(maxInputChars()));
        guard("limits.request-timeout", () -> b.requestTimeout(duration("limits.request-timeout")));
        b.encoderOptions(encoderOptions());
        guard("cache.enabled", () -> b.cache(cacheEnabled()));
        guard("cache.max-bytes", () -> b.cacheMaxBytes(bytes("cache.max-bytes")));
        guard("cache.max-entry-bytes", () -> b.cacheMaxEntryBytes(bytes("cache.max-entry-bytes")));
        if (values.containsKey("cache.disk.path")) {
            guard("cache.disk.path", () -> b.cacheDisk(Path.of(string("cache.disk.path")),
                    bytes("cache.disk.max-bytes")));
        }
        if (values.containsKey("admin.key")) {
            guard("admin.key", () -> b.adminKey(string("admin.key")));
        }
        if (values.containsKey("tenants.file")) {
            guard("tenants.file", () -> b.tenantsFile(Path.of(string("tenants.file"))));
        }
        if (values.containsKey("tenants.state-dir")) {
            guard("tenants.state-dir", () -> b.tenantsStateDir(Path.of(string("tenants.state-dir"))));
        }
        if (values.containsKey("tenants.redis.url")) {
            guard("tenants.redis.url", () -> b.tenantsRedisUrl(string("tenants.redis.url")));
        }
        guard("tenants.reload-interval", () -> b.tenantsReloadInterval(duration("tenants.reload-interval")));
        for (String key : values.keySet()) {
            Matcher m = VOICE_KEY.matcher(key);
            if (m.matches()) {
                Object v = values.get(key);
                List<String> ids = v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                        : SettingValues.list((String) v);
                guard(key, () -> b.voiceAlias(m.group(1), ids));
            }
        }
        b.safety(safety());
        extra.apply(b);
        return guard("server", b::build);
    }

    /** Returns the content-safety settings: off without {@code safety.rules}. */
    dev.chorus.safety.SafetyConfig safety() {
        dev.chorus.safety.SafetyConfig.Builder b = dev.chorus.safety.SafetyConfig.builder();
        if (values.containsKey("safety.rules")) {
            b.rules(Path.of(string("safety.rules")));
        }
        Map<String, String> policy = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            Matcher m = POLICY_KEY.matcher(key);
            if (m.matches()) {
                policy.put(m.group(1), string(key));
            }
        }
        for (String key : policy.keySet()) {
            guard("safety.policy." + key, () -> dev.chorus.safety.Action.parse("safety.policy." + key,
                    policy.get(key)));
        }
        b.policy(dev.chorus.safety.ContentPolicy.parse(policy));
        guard("safety.mask", () -> b.mask(dev.chorus.safety.MaskSound.parse(string("safety.mask"))));
        String onTimeout = string("safety.on-timeout").trim().toLowerCase(Locale.ROOT);
        if (!onTimeout.equals("fail-closed") && !onTimeout.equals("fail-open")) {
            throw new InvalidInputException("safety.on-timeout", "safety.on-timeout: '" + onTimeout
                    + "' (expected: fail-closed or fail-open; from " + sources.get("safety.on-timeout") + ")");
        }
        b.failClosed(onTimeout.equals("fail-closed"));
        guard("safety.pattern-timeout", () -> b.patternTimeout(duration("safety.pattern-timeout")));
        guard("safety.reload-interval", () -> b.reloadInterval(duration("safety.reload-interval")));
        if (values.containsKey("safety.audit-log")) {
            b.auditLog(Path.of(string("safety.audit-log")));
        }
        guard("safety.audit-include-text", () -> b.auditIncludeText(flag("safety.audit-include-text")));
        return b.build();
    }

    /** Returns the TLS listener's settings, or null when no tls.port, tls.cert, tls.key or tls.trust is set. */
    private TlsConfig tls() {
        List<String> on = List.of("tls.port", "tls.cert", "tls.key", "tls.trust");
        if (on.stream().noneMatch(values::containsKey)) {
            return null;
        }
        for (String key : List.of("tls.cert", "tls.key", "tls.trust")) {
            if (!values.containsKey(key) || list(key).isEmpty()) {
                String set = on.stream().filter(values::containsKey).map(this::label).findFirst().orElseThrow();
                throw new InvalidInputException(key, key + ": not set, but the TLS listener is on (" + set
                        + "); it needs tls.cert, tls.key and tls.trust (see docs/configuration.md)");
            }
        }
        TlsConfig.Builder t = TlsConfig.builder();
        if (values.containsKey("tls.port")) {
            guard("tls.port", () -> t.port(SettingValues.integer(label("tls.port"), string("tls.port"))));
        }
        if (values.containsKey("tls.host")) {
            guard("tls.host", () -> t.host(string("tls.host")));
        }
        t.certificate(Path.of(string("tls.cert").trim()));
        t.privateKey(Path.of(string("tls.key").trim()));
        list("tls.trust").forEach(f -> t.trustBundle(Path.of(f)));
        guard("tls.client-auth", () -> t.clientAuth(TlsConfig.ClientAuth.of(string("tls.client-auth"))));
        if (values.containsKey("tls.trust-domains")) {
            list("tls.trust-domains").forEach(d -> guard("tls.trust-domains", () -> t.trustDomain(d)));
        }
        guard("tls.reload-interval", () -> t.reloadInterval(duration("tls.reload-interval")));
        guard("tls.peer-header", () -> t.peerHeader(flag("tls.peer-header")));
        return guard("tls", t::build);
    }

    /** Returns the log format: json or text ({@code auto} resolved by whether stderr is a terminal). */
    String logFormat() {
        String f = string("logging.format").trim().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "json", "text" -> f;
            case "auto" -> System.console() != null && System.console().isTerminal() ? "text" : "json";
            default -> throw new InvalidInputException("logging.format", "logging.format: '" + f
                    + "' (expected: json, text or auto; from " + sources.getOrDefault("logging.format", "default")
                    + ")");
        };
    }

    /** Returns whether the access log is on. */
    boolean accessLog() {
        return guard("logging.access-log", () -> flag("logging.access-log"));
    }

    private boolean flag(String key) {
        return SettingValues.bool(label(key), string(key));
    }

    /** Returns every setting in effect with where it came from, one per line, for {@code --print-config}. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Setting f : FIXED) {
            seen.add(f.key());
            String shown = !values.containsKey(f.key()) ? f.defaultValue()
                    : f.key().equals("admin.key") ? "(set, " + string(f.key()).length() + " characters)"
                    : f.key().equals("tenants.redis.url") ? string(f.key()).replaceFirst("//[^@/]*@", "//***@")
                    : string(f.key());
            lines.add(f.key() + ": " + shown
                    + "  # " + sources.getOrDefault(f.key(), "default"));
        }
        values.keySet().stream().filter(k -> !seen.contains(k)).sorted()
                .forEach(k -> lines.add(k + ": " + string(k) + "  # " + sources.get(k)));
        return lines;
    }

    private boolean cacheEnabled() {
        return guard("cache.enabled", () -> flag("cache.enabled"));
    }

    private long bytes(String key) {
        return SettingValues.bytes(label(key), string(key));
    }

    private int maxInputChars() {
        return SettingValues.integer(label("limits.max-input-chars"), string("limits.max-input-chars"));
    }

    private java.time.Duration duration(String key) {
        return SettingValues.duration(label(key), string(key));
    }

    /** Returns the key with its source, so messages say where to fix a value. */
    private String label(String key) {
        return key + " (from " + sources.getOrDefault(key, "default") + ")";
    }

    /** Runs a builder call and turns its IllegalArgumentException into a bad-input error naming the source. */
    private <T> T guard(String key, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(key, e.getMessage() + " (setting " + key + ", from "
                    + sources.getOrDefault(key, "default") + ")");
        }
    }
}

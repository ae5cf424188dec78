package dev.chorus.server;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.VoiceDefaults;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of a {@link ChorusServer}: where it listens, its request limits, how it shuts down and how OpenAI
 * voice names map to installed voices. Immutable; build one with {@link #builder()}.
 */
public final class ServerConfig {

    /** The OpenAI voice names every server accepts, in OpenAI's order. */
    public static final List<String> OPENAI_VOICES = List.copyOf(VoiceDefaults.aliases().keySet());

    private final String host;
    private final int port;
    private final int maxInputChars;
    private final long maxRequestBytes;
    private final long maxUnreadBytes;
    private final long streamBufferBytes;
    private final Duration stallTimeout;
    private final int maxWaitingRequests;
    private final int maxStreamsPerConnection;
    private final int tenantsConcurrentStreams;
    private final Duration requestTimeout;
    private final Duration shutdownQuietPeriod;
    private final Duration shutdownTimeout;
    private final Map<String, List<String>> voiceAliases;
    private final boolean warmUp;
    private final EncoderOptions encoderOptions;
    private final String adminKey;
    private final boolean metricsEnabled;
    private final boolean tenantLabels;
    private final boolean logInput;
    private final io.opentelemetry.api.OpenTelemetry openTelemetry;
    private final dev.chorus.safety.SafetyConfig safety;
    private final dev.chorus.service.backcheck.BackcheckSettings backcheck;
    private final dev.chorus.service.backcheck.ReleaseGateSettings releaseGate;
    private final dev.chorus.service.quality.MosSettings qualityMos;
    private final boolean plaintext;
    private final TlsConfig tls;
    private final java.nio.file.Path tenantsFile;
    private final java.nio.file.Path tenantsStateDir;
    private final String tenantsRedisUrl;
    private final dev.chorus.server.tenant.OnOutage tenantsRedisOnOutage;
    private final Duration tenantsReloadInterval;
    private final java.time.Clock clock;
    private final boolean cacheEnabled;
    private final long cacheMaxBytes;
    private final long cacheMaxEntryBytes;
    private final java.nio.file.Path cacheDiskPath;
    private final long cacheDiskMaxBytes;
    private final List<String> corsAllowedOrigins;
    private final dev.chorus.server.wyoming.WyomingConfig wyoming;
    private final boolean maryTtsEnabled;
    private final dev.chorus.jobs.JobsConfig jobs;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.maxInputChars = b.maxInputChars;
        this.maxRequestBytes = b.maxRequestBytes;
        this.maxUnreadBytes = b.maxUnreadBytes;
        this.streamBufferBytes = b.streamBufferBytes;
        this.stallTimeout = b.stallTimeout;
        this.maxWaitingRequests = b.maxWaitingRequests;
        this.maxStreamsPerConnection = b.maxStreamsPerConnection;
        this.tenantsConcurrentStreams = b.tenantsConcurrentStreams;
        this.requestTimeout = b.requestTimeout;
        this.shutdownQuietPeriod = b.shutdownQuietPeriod;
        this.shutdownTimeout = b.shutdownTimeout;
        Map<String, List<String>> aliases = new LinkedHashMap<>(defaultVoiceAliases());
        aliases.putAll(b.voiceAliases);
        this.voiceAliases = Map.copyOf(aliases);
        this.warmUp = b.warmUp;
        this.encoderOptions = b.encoderOptions;
        this.adminKey = b.adminKey;
        this.corsAllowedOrigins = List.copyOf(b.corsAllowedOrigins);
        this.maryTtsEnabled = b.maryTtsEnabled;
        this.metricsEnabled = b.metricsEnabled;
        this.tenantLabels = b.tenantLabels;
        this.logInput = b.logInput;
        this.openTelemetry = b.openTelemetry;
        this.safety = b.safety;
        this.backcheck = b.backcheck;
        this.releaseGate = b.releaseGate;
        this.qualityMos = b.qualityMos;
        this.plaintext = b.plaintext;
        this.tls = b.tls;
        this.tenantsFile = b.tenantsFile;
        this.tenantsStateDir = b.tenantsStateDir;
        this.tenantsRedisUrl = b.tenantsRedisUrl;
        this.tenantsReloadInterval = b.tenantsReloadInterval;
        this.clock = b.clock;
        this.tenantsRedisOnOutage = b.tenantsRedisOnOutage;
        this.cacheEnabled = b.cacheEnabled;
        this.cacheMaxBytes = b.cacheMaxBytes;
        this.cacheMaxEntryBytes = b.cacheMaxEntryBytes;
        this.cacheDiskPath = b.cacheDiskPath;
        this.cacheDiskMaxBytes = b.cacheDiskMaxBytes;
        this.wyoming = b.wyoming;
        this.jobs = b.jobs;
    }

    /** Returns the long-form jobs' settings, or null when the jobs API is off (the default). */
    public dev.chorus.jobs.JobsConfig jobs() {
        return jobs;
    }

    /** Returns the Wyoming listener's settings, or null when there is no Wyoming port (the default). */
    public dev.chorus.server.wyoming.WyomingConfig wyoming() {
        return wyoming;
    }

    /** Returns the content-safety settings (off unless a rules file is set). */
    public dev.chorus.safety.SafetyConfig safety() {
        return safety;
    }

    /** Returns the speech back-check's settings (off unless set). */
    public dev.chorus.service.backcheck.BackcheckSettings backcheck() {
        return backcheck;
    }

    /** Returns what new voice versions must pass before they serve. */
    public dev.chorus.service.backcheck.ReleaseGateSettings releaseGate() {
        return releaseGate;
    }

    /** Returns the quality estimate's settings (off unless a MOS model is set). */
    public dev.chorus.service.quality.MosSettings qualityMos() {
        return qualityMos;
    }

    /** Returns whether the plain port (HTTP/1.1, h2c, gRPC without TLS) is bound. */
    public boolean plaintext() {
        return plaintext;
    }

    /** Returns the mutual-TLS listener's settings, or null when there is no TLS listener. */
    public TlsConfig tls() {
        return tls;
    }

    /** Returns the tenants file, or null when the server runs open (no keys, no tenant limits). */
    public java.nio.file.Path tenantsFile() {
        return tenantsFile;
    }

    /**
     * Returns the directory for the tenants' monthly quota counters when they are kept locally: the configured
     * one, else {@code chorus-state} beside the tenants file; null without a tenants file.
     */
    public java.nio.file.Path tenantsStateDir() {
        if (tenantsStateDir != null || tenantsFile == null) {
            return tenantsStateDir;
        }
        java.nio.file.Path parent = tenantsFile.toAbsolutePath().getParent();
        return parent.resolve("chorus-state");
    }

    /** Returns the Redis URL that holds tenants' limits and quotas for every replica, or null: kept locally. */
    public String tenantsRedisUrl() {
        return tenantsRedisUrl;
    }

    /** Returns what a limited request gets while the Redis of {@link #tenantsRedisUrl()} does not answer. */
    public dev.chorus.server.tenant.OnOutage tenantsRedisOnOutage() {
        return tenantsRedisOnOutage;
    }

    /** Returns how often the tenants file is checked for changes. */
    public Duration tenantsReloadInterval() {
        return tenantsReloadInterval;
    }

    /** Returns the clock monthly quota periods are read from. */
    public java.time.Clock clock() {
        return clock;
    }

    /** Returns whether finished audio is cached and identical requests in progress share one synthesis. */
    public boolean cacheEnabled() {
        return cacheEnabled;
    }

    /** Returns the most encoded bytes the memory tier of the audio cache holds. */
    public long cacheMaxBytes() {
        return cacheMaxBytes;
    }

    /** Returns the largest response, in encoded bytes, that is cached (and that late identical requests join). */
    public long cacheMaxEntryBytes() {
        return cacheMaxEntryBytes;
    }

    /** Returns the directory of the audio cache's disk tier, or {@code null} when there is none. */
    public java.nio.file.Path cacheDiskPath() {
        return cacheDiskPath;
    }

    /** Returns the most bytes the disk tier's files take. */
    public long cacheDiskMaxBytes() {
        return cacheDiskMaxBytes;
    }

    /** Whether {@code /metrics} is served and the server's meters are kept. */
    public boolean metricsEnabled() {
        return metricsEnabled;
    }

    /** Whether request metrics carry a {@code tenant} label. */
    public boolean tenantLabels() {
        return tenantLabels;
    }

    /** Whether a request's input text is written to the log. */
    public boolean logInput() {
        return logInput;
    }

    /** Returns the OpenTelemetry instance whose tracer records the server's spans; null: trace ids only. */
    public io.opentelemetry.api.OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a configuration with every default. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    /**
     * Returns the default mapping of OpenAI voice names to candidate voices: the first installed candidate wins,
     * and the default voice stands in when none is installed, so every name works out of the box.
     */
    public static Map<String, List<String>> defaultVoiceAliases() {
        return new LinkedHashMap<>(VoiceDefaults.aliases());
    }

    /** Returns the address to listen on. */
    public String host() {
        return host;
    }

    /** Returns the port to listen on; 0 picks a free one. */
    public int port() {
        return port;
    }

    /** Returns the longest input text a request may carry, in characters. */
    public int maxInputChars() {
        return maxInputChars;
    }

    /** Returns the largest request body accepted, in bytes. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    /** Returns how long one synthesis may take before it fails with 'deadline exceeded'. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Returns how long shutdown waits for the server to be idle before it stops. */
    public Duration shutdownQuietPeriod() {
        return shutdownQuietPeriod;
    }

    /** Returns the longest time shutdown lets in-flight requests and streams finish. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Returns the OpenAI (or other) voice names and their candidate voice ids, in order of preference. */
    public Map<String, List<String>> voiceAliases() {
        return voiceAliases;
    }

    /** Returns whether start-up synthesizes a phrase with the default voice before reporting ready. */
    public boolean warmUp() {
        return warmUp;
    }

    /** Returns the encoder settings (bitrates, the ffmpeg program for AAC). */
    public EncoderOptions encoderOptions() {
        return encoderOptions;
    }

    /**
     * Returns how many bytes of one response may wait for a slow client to read them; beyond that the response
     * is ended with an error and its synthesis stopped, so slow readers cannot grow the server's memory.
     */
    public long maxUnreadBytes() {
        return maxUnreadBytes;
    }

    /**
     * Returns how many bytes of one stream may wait for its client before the synthesis pauses (backpressure):
     * it continues once the client has read them.
     */
    public long streamBufferBytes() {
        return streamBufferBytes;
    }

    /** Returns how long a paused stream's client may read nothing before the stream is cut as stalled. */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Returns how many synthesis requests may wait at once between arriving and being admitted or refused by
     * their engine; more are refused at the door with 503 before they take a thread or a queue slot.
     */
    public int maxWaitingRequests() {
        return maxWaitingRequests;
    }

    /** Returns how many HTTP/2 streams (REST, gRPC) one connection may have open at once. */
    public int maxStreamsPerConnection() {
        return maxStreamsPerConnection;
    }

    /** Returns the syntheses in progress at once of a tenant whose limits name none (0: no limit). */
    public int tenantsConcurrentStreams() {
        return tenantsConcurrentStreams;
    }

    /** Returns the key that admin routes require as a bearer token, or {@code null} when admin routes are off. */
    public String adminKey() {
        return adminKey;
    }

    /**
     * Returns the web origins ({@code https://app.example.org}) whose pages may call this server from a browser
     * (CORS), besides the server's own origin; empty by default: other sites' pages are refused.
     */
    public List<String> corsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    /** Tells whether the MaryTTS-compatible routes ({@code /process}, {@code /voices}, ...) are served. */
    public boolean maryTtsEnabled() {
        return maryTtsEnabled;
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", maxInputChars=" + maxInputChars
                + ", maxRequestBytes=" + maxRequestBytes + ", requestTimeout=" + requestTimeout
                + ", shutdownQuietPeriod=" + shutdownQuietPeriod + ", shutdownTimeout=" + shutdownTimeout
                + ", warmUp=" + warmUp + ", plaintext=" + plaintext + ", tls=" + tls + ", cache=" + cacheEnabled + "]";
    }

    /** Collects {@link ServerConfig} settings; every setter checks its value and names it when it is wrong. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private int maxInputChars = 4096;
        private long maxRequestBytes = 1 << 20;
        private long maxUnreadBytes = 16L << 20;
        private long streamBufferBytes = 64 * 1024;
        private Duration stallTimeout = Duration.ofSeconds(20);
        private int maxWaitingRequests = 64;
        private int maxStreamsPerConnection = 100;
        private int tenantsConcurrentStreams = 100;
        private Duration requestTimeout = Duration.ofMinutes(5);
        private Duration shutdownQuietPeriod = Duration.ofSeconds(1);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private final Map<String, List<String>> voiceAliases = new LinkedHashMap<>();
        private boolean warmUp = true;
        private EncoderOptions encoderOptions = EncoderOptions.defaults();
        private String adminKey;
        private boolean metricsEnabled = true;
        private boolean tenantLabels = true;
        private boolean logInput;
        private io.opentelemetry.api.OpenTelemetry openTelemetry;
        private dev.chorus.safety.SafetyConfig safety = dev.chorus.safety.SafetyConfig.off();
        private dev.chorus.service.backcheck.BackcheckSettings backcheck =
                dev.chorus.service.backcheck.BackcheckSettings.OFF;
        private dev.chorus.service.backcheck.ReleaseGateSettings releaseGate =
                dev.chorus.service.backcheck.ReleaseGateSettings.OFF;
        private dev.chorus.service.quality.MosSettings qualityMos = dev.chorus.service.quality.MosSettings.OFF;
        private boolean plaintext = true;
        private TlsConfig tls;
        private java.nio.file.Path tenantsFile;
        private java.nio.file.Path tenantsStateDir;
        private String tenantsRedisUrl;
        private Duration tenantsReloadInterval = Duration.ofSeconds(2);
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private boolean cacheEnabled;
        private long cacheMaxBytes = 256L << 20;
        private long cacheMaxEntryBytes = 8L << 20;
        private java.nio.file.Path cacheDiskPath;
        private long cacheDiskMaxBytes = 1L << 30;
        private List<String> corsAllowedOrigins = List.of();
        private dev.chorus.server.wyoming.WyomingConfig wyoming;
        private boolean maryTtsEnabled = true;
        private dev.chorus.jobs.JobsConfig jobs;

        private Builder() {
        }

        /** Turns on the long-form jobs API (/v1/audio/jobs) with these settings (default: off). */
        public Builder jobs(dev.chorus.jobs.JobsConfig j) {
            this.jobs = j;
            return this;
        }

        /** Adds a Wyoming listener (text to speech for Home Assistant) with these settings (default: none). */
        public Builder wyoming(dev.chorus.server.wyoming.WyomingConfig w) {
            this.wyoming = w;
            return this;
        }
        private dev.chorus.server.tenant.OnOutage tenantsRedisOnOutage = dev.chorus.server.tenant.OnOutage.FAIL_CLOSED;

        /** Sets what new voice versions must pass before they serve (docs/backcheck.md); off unless set. */
        public Builder releaseGate(dev.chorus.service.backcheck.ReleaseGateSettings g) {
            this.releaseGate = Objects.requireNonNull(g, "releaseGate");
            return this;
        }

        /** Sets the speech back-check's settings (mode, sample fraction, recognizer); off unless set. */
        public Builder backcheck(dev.chorus.service.backcheck.BackcheckSettings b) {
            this.backcheck = Objects.requireNonNull(b, "backcheck");
            return this;
        }

        /** Sets the quality estimate's settings (MOS model, predictor, sample fraction); off unless set. */
        public Builder qualityMos(dev.chorus.service.quality.MosSettings m) {
            this.qualityMos = Objects.requireNonNull(m, "qualityMos");
            return this;
        }

        /** Sets the content-safety settings (rules file, policy, masking, audit); off unless set. */
        public Builder safety(dev.chorus.safety.SafetyConfig s) {
            this.safety = Objects.requireNonNull(s, "safety");
            return this;
        }

        /**
         * Sets whether finished audio is cached and identical requests in progress share one synthesis (default
         * false here; {@code chorus serve} turns it on).
         */
        public Builder cache(boolean on) {
            this.cacheEnabled = on;
            return this;
        }

        /** Sets the most encoded bytes the memory tier holds (default 256 MiB). */
        public Builder cacheMaxBytes(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("cacheMaxBytes: " + n + " (expected: >= 1)");
            }
            this.cacheMaxBytes = n;
            return this;
        }

        /** Sets the largest response cached, in encoded bytes (default 8 MiB). */
        public Builder cacheMaxEntryBytes(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("cacheMaxEntryBytes: " + n + " (expected: >= 1)");
            }
            this.cacheMaxEntryBytes = n;
            return this;
        }

        /**
         * Sets the directory of the disk tier and the most bytes its files may take (default: no disk tier; 1 GiB
         * when a directory is set). {@code null} turns the disk tier off.
         */
        public Builder cacheDisk(java.nio.file.Path dir, long maxBytes) {
            if (dir != null && maxBytes < 1) {
                throw new IllegalArgumentException("cacheDiskMaxBytes: " + maxBytes + " (expected: >= 1)");
            }
            this.cacheDiskPath = dir;
            if (dir != null) {
                this.cacheDiskMaxBytes = maxBytes;
            }
            return this;
        }

        /** Sets the address to listen on (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface). */
        public Builder host(String h) {
            if (h == null || h.isBlank()) {
                throw new IllegalArgumentException("host: '" + h + "' (expected: an address or host name)");
            }
            this.host = h.trim();
            return this;
        }

        /** Sets the port (default 8080; 0 picks a free one). */
        public Builder port(int p) {
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("port: " + p + " (expected: 0 to 65535)");
            }
            this.port = p;
            return this;
        }

        /** Sets the longest input text accepted, in characters (default 4096). */
        public Builder maxInputChars(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInputChars: " + n + " (expected: >= 1)");
            }
            this.maxInputChars = n;
            return this;
        }

        /** Sets the largest request body accepted, in bytes (default 1 MiB). */
        public Builder maxRequestBytes(long n) {
            if (n < 1024) {
                throw new IllegalArgumentException("maxRequestBytes: " + n + " (expected: >= 1024)");
            }
            this.maxRequestBytes = n;
            return this;
        }

        /**
         * Sets how many bytes of one response may wait unread for a slow client before the response is ended with
         * an error and its synthesis stopped (default 16 MiB).
         */
        public Builder maxUnreadBytes(long n) {
            if (n < 64 * 1024) {
                throw new IllegalArgumentException("maxUnreadBytes: " + n + " (expected: >= 65536)");
            }
            this.maxUnreadBytes = n;
            return this;
        }

        /**
         * Sets how many bytes of one stream may wait for its client before the synthesis pauses (default 64 KiB,
         * at least 4 KiB and at most {@link #maxUnreadBytes}).
         */
        public Builder streamBufferBytes(long n) {
            if (n < 4096) {
                throw new IllegalArgumentException("streamBufferBytes: " + n + " (expected: >= 4096)");
            }
            this.streamBufferBytes = n;
            return this;
        }

        /** Sets how long a paused stream's client may read nothing before it is cut (default 20 s). */
        public Builder stallTimeout(Duration d) {
            this.stallTimeout = positive("stallTimeout", d);
            return this;
        }

        /** Sets how many synthesis requests may wait for admission at once (default 64). */
        public Builder maxWaitingRequests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxWaitingRequests: " + n + " (expected: >= 1)");
            }
            this.maxWaitingRequests = n;
            return this;
        }

        /** Sets how many HTTP/2 streams one connection may have open at once (default 100). */
        public Builder maxStreamsPerConnection(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxStreamsPerConnection: " + n + " (expected: >= 1)");
            }
            this.maxStreamsPerConnection = n;
            return this;
        }

        /** Sets the concurrent syntheses of a tenant whose limits name none (default 100; 0: no limit). */
        public Builder tenantsConcurrentStreams(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("tenantsConcurrentStreams: " + n + " (expected: >= 0)");
            }
            this.tenantsConcurrentStreams = n;
            return this;
        }

        /** Sets how long one synthesis may take (default 5 minutes). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive("requestTimeout", d);
            return this;
        }

        /** Sets how long shutdown waits for the server to be idle (default 1 second). */
        public Builder shutdownQuietPeriod(Duration d) {
            Objects.requireNonNull(d, "shutdownQuietPeriod");
            if (d.isNegative()) {
                throw new IllegalArgumentException("shutdownQuietPeriod: " + d + " (expected: >= 0)");
            }
            this.shutdownQuietPeriod = d;
            return this;
        }

        /** Sets the longest time shutdown lets in-flight requests finish (default 30 seconds). */
        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = positive("shutdownTimeout", d);
            return this;
        }

        /** Sets the encoder settings (default {@link EncoderOptions#defaults()}). */
        public Builder encoderOptions(EncoderOptions o) {
            this.encoderOptions = Objects.requireNonNull(o, "encoderOptions");
            return this;
        }

        /**
         * Sets the key admin routes ({@code /admin/...}) require as {@code Authorization: Bearer KEY}; without
         * one, the admin routes answer 404. At least 16 characters.
         */
        public Builder adminKey(String key) {
            if (key != null && key.strip().length() < 16) {
                throw new IllegalArgumentException("adminKey: " + key.strip().length()
                        + " characters (expected: at least 16)");
            }
            this.adminKey = key == null ? null : key.strip();
            return this;
        }

        /** Sets whether the MaryTTS-compatible routes are served at the server's root (default true). */
        public Builder maryTtsEnabled(boolean on) {
            this.maryTtsEnabled = on;
            return this;
        }

        /**
         * Sets the web origins whose pages may call this server from a browser (CORS), each
         * {@code scheme://host[:port]} with no path; none by default. Other sites' pages are refused (403).
         */
        public Builder corsAllowedOrigins(List<String> origins) {
            List<String> checked = new java.util.ArrayList<>();
            for (String o : origins == null ? List.<String>of() : origins) {
                String n = o == null ? "" : o.strip().toLowerCase(Locale.ROOT);
                n = n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
                if (!n.matches("https?://[^/?#@\\s*]+")) {
                    throw new IllegalArgumentException("corsAllowedOrigins: '" + o + "' (expected: an origin such as "
                            + "https://app.example.org or http://localhost:3000, with no path and no wildcard)");
                }
                checked.add(n);
            }
            this.corsAllowedOrigins = List.copyOf(checked);
            return this;
        }

        /**
         * Maps a voice name (an OpenAI name such as {@code alloy}, or a new one) to candidate voice ids; the first
         * installed one is used. Replaces the default candidates for that name.
         */
        public Builder voiceAlias(String name, List<String> voiceIds) {
            String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty() || n.indexOf(':') >= 0) {
                throw new IllegalArgumentException("voice alias: '" + name
                        + "' (expected: a name without ':', such as 'alloy')");
            }
            if (voiceIds == null || voiceIds.isEmpty() || voiceIds.stream().anyMatch(v -> v == null || v.isBlank())) {
                throw new IllegalArgumentException("voice alias '" + n + "': " + voiceIds
                        + " (expected: one or more voice ids such as 'espeak:en-us')");
            }
            voiceAliases.put(n, voiceIds.stream().map(String::trim).toList());
            return this;
        }

        /** Sets whether {@code /metrics} is served (default true). */
        public Builder metricsEnabled(boolean on) {
            this.metricsEnabled = on;
            return this;
        }

        /** Sets whether request metrics carry a {@code tenant} label (default true); off bounds cardinality. */
        public Builder tenantLabels(boolean on) {
            this.tenantLabels = on;
            return this;
        }

        /** Sets whether each request's input text is logged (default false: it never is). */
        public Builder logInput(boolean on) {
            this.logInput = on;
            return this;
        }

        /**
         * Sets the OpenTelemetry instance that records and exports spans (default: spans are made, so trace ids
         * reach the logs and response headers, but not exported).
         */
        public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry otel) {
            this.openTelemetry = otel;
            return this;
        }

        /**
         * Sets the tenants file (YAML, see docs/configuration.md); with one, every route but the open ones needs an
         * API key or a known SPIFFE ID. Default: none, the server runs open.
         */
        public Builder tenantsFile(java.nio.file.Path file) {
            this.tenantsFile = file;
            return this;
        }

        /** Sets where local monthly quota counters are written (default: {@code chorus-state} beside the file). */
        public Builder tenantsStateDir(java.nio.file.Path dir) {
            this.tenantsStateDir = dir;
            return this;
        }

        /** Sets the Redis that holds tenants' buckets and quotas, shared by replicas (default: none, local). */
        public Builder tenantsRedisUrl(String url) {
            if (url != null && !url.strip().startsWith("redis://") && !url.strip().startsWith("rediss://")) {
                throw new IllegalArgumentException("tenantsRedisUrl: '" + url
                        + "' (expected: redis://host:port or rediss://host:port)");
            }
            this.tenantsRedisUrl = url == null || url.isBlank() ? null : url.strip();
            return this;
        }

        /** Sets how often the tenants file is checked for changes (default 2 seconds). */
        public Builder tenantsReloadInterval(Duration d) {
            this.tenantsReloadInterval = positive("tenantsReloadInterval", d);
            return this;
        }

        /** Sets the clock that monthly quota periods follow (default: the system clock, UTC). */
        public Builder clock(java.time.Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Sets whether start-up warms the default voice before reporting ready (default true). */
        public Builder warmUp(boolean on) {
            this.warmUp = on;
            return this;
        }

        /**
         * Sets whether the plain port is bound (default true). Off, the server listens only on the TLS port, which
         * {@link #tls(TlsConfig)} must then configure.
         */
        public Builder plaintext(boolean on) {
            this.plaintext = on;
            return this;
        }

        /** Adds a mutual-TLS listener serving the same routes (default: none). */
        public Builder tls(TlsConfig t) {
            this.tls = t;
            return this;
        }

        /** Sets what a limited request gets while that Redis does not answer (default: fail-closed, a 503). */
        public Builder tenantsRedisOnOutage(dev.chorus.server.tenant.OnOutage onOutage) {
            this.tenantsRedisOnOutage = java.util.Objects.requireNonNull(onOutage, "tenantsRedisOnOutage");
            return this;
        }

        /** Builds the configuration. */
        public ServerConfig build() {
            if (!plaintext && tls == null) {
                throw new IllegalArgumentException("plaintext: false with no TLS listener (expected: a TLS "
                        + "listener, or the plain port left on)");
            }
            if (shutdownQuietPeriod.compareTo(shutdownTimeout) > 0) {
                throw new IllegalArgumentException("shutdownQuietPeriod: " + shutdownQuietPeriod
                        + " (expected: <= shutdownTimeout, " + shutdownTimeout + ")");
            }
            return new ServerConfig(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}

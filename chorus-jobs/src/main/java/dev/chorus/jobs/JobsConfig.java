package dev.chorus.jobs;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * The settings of long-form jobs ({@code jobs.*} and {@code data.dir}; docs/configuration.md lists them). Build
 * one with {@link #builder(Path)}; every option is checked when it is set, naming the setting.
 */
public final class JobsConfig {

    /** The metadata stores {@code jobs.store} names. */
    public enum StoreKind {
        /** The embedded SQLite file in the data directory (one node, or nodes sharing that file). */
        SQLITE,
        /** An Apache Ratis group replicating the metadata across nodes. */
        RAFT;

        /** Parses {@code sqlite} or {@code raft}. */
        public static StoreKind parse(String s) {
            for (StoreKind k : values()) {
                if (k.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("jobs.store: '" + s + "' (expected: sqlite or raft)");
        }

        /** Returns the setting's spelling. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Path dataDir;
    private final Path audioDir;
    private final StoreKind store;
    private final StoreOpener storeOpener;
    private final int maxInputChars;
    private final int runChars;
    private final int maxJobsPerTenant;
    private final long maxStoredBytes;
    private final long maxRequestBytes;
    private final Duration defaultTtl;
    private final Duration maxTtl;
    private final Duration lease;
    private final int workers;
    private final Duration sweepInterval;
    private final String nodeId;
    private final String webhookSecret;
    private final S3AudioStore.S3Settings s3;
    private final List<String> webhookAllow;
    private final int webhookMaxAttempts;
    private final Duration webhookRetryBase;
    private final AudioDownload audioDownload;

    private JobsConfig(Builder b) {
        this.dataDir = b.dataDir;
        this.audioDir = b.audioDir != null ? b.audioDir : b.dataDir.resolve("jobs-audio");
        this.store = b.store;
        this.storeOpener = b.storeOpener;
        this.maxInputChars = b.maxInputChars;
        this.runChars = b.runChars;
        this.maxJobsPerTenant = b.maxJobsPerTenant;
        this.maxStoredBytes = b.maxStoredBytes;
        this.maxRequestBytes = b.maxRequestBytes;
        this.defaultTtl = b.defaultTtl;
        this.maxTtl = b.maxTtl;
        this.lease = b.lease;
        this.workers = b.workers;
        this.sweepInterval = b.sweepInterval;
        this.nodeId = b.nodeId != null ? b.nodeId : defaultNodeId();
        this.webhookSecret = b.webhookSecret;
        this.s3 = b.s3;
        this.webhookAllow = b.webhookAllow;
        this.webhookMaxAttempts = b.webhookMaxAttempts;
        this.webhookRetryBase = b.webhookRetryBase;
        this.audioDownload = b.audioDownload;
        if (defaultTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("jobs.default-ttl: " + defaultTtl + " (expected: <= jobs.max-ttl = "
                    + maxTtl + ")");
        }
    }

    private static String defaultNodeId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Returns a builder for jobs kept under {@code dataDir} ({@code data.dir}). */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * Returns the default data directory: {@code $CHORUS_DATA_DIR}'s fallback, {@code $XDG_DATA_HOME/chorus}, else
     * {@code ~/.local/share/chorus}.
     */
    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("chorus");
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Returns the directory of the jobs' audio ({@code jobs.audio-dir}, default {@code DATA_DIR/jobs-audio}). */
    public Path audioDir() {
        return audioDir;
    }

    /** Returns the SQLite file of the embedded store, {@code DATA_DIR/jobs.db}. */
    public Path sqliteFile() {
        return dataDir.resolve("jobs.db");
    }

    public StoreKind store() {
        return store;
    }

    /** Opens a metadata store other than the embedded SQLite file, such as the replicated one (raft). */
    @FunctionalInterface
    public interface StoreOpener {
        /** Opens the store; {@code meters} (or null) receives its metrics. */
        JobStore open(io.micrometer.core.instrument.MeterRegistry meters);
    }

    /** Returns what opens the {@link #store()} when it is not SQLite, or null. */
    public StoreOpener storeOpener() {
        return storeOpener;
    }

    /** Returns the longest job input, in characters ({@code jobs.max-input-chars}). */
    public int maxInputChars() {
        return maxInputChars;
    }

    /** Returns the longest sentence run, in characters ({@code jobs.run-chars}). */
    public int runChars() {
        return runChars;
    }

    public int maxJobsPerTenant() {
        return maxJobsPerTenant;
    }

    public long maxStoredBytes() {
        return maxStoredBytes;
    }

    /** Returns the largest job creation body, in bytes ({@code jobs.max-request-bytes}). */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public Duration defaultTtl() {
        return defaultTtl;
    }

    public Duration maxTtl() {
        return maxTtl;
    }

    /** Returns how long a claim on a job holds without being renewed ({@code jobs.lease}). */
    public Duration lease() {
        return lease;
    }

    /** Returns how many jobs this node makes at once ({@code jobs.workers}; 0: accept jobs, make none). */
    public int workers() {
        return workers;
    }

    public Duration sweepInterval() {
        return sweepInterval;
    }

    /** Returns this node's name in leases. */
    public String nodeId() {
        return nodeId;
    }

    /** Returns the S3 bucket settings of the audio store, or null: the audio is kept in {@link #audioDir()}. */
    S3AudioStore.S3Settings s3() {
        return s3;
    }

    /** Returns where the audio is kept, for logs: a directory or an S3 bucket and prefix. */
    public String audioLocation() {
        return s3 == null ? audioDir.toString() : "s3://" + s3.bucket() + "/" + s3.prefix();
    }

    /** Returns the key that signs webhook notifications ({@code jobs.webhook.key}), or null: webhooks off. */
    public String webhookSecret() {
        return webhookSecret;
    }

    /** Returns the hosts webhooks may reach although their addresses are not public ({@code jobs.webhook.allow}). */
    public List<String> webhookAllow() {
        return webhookAllow;
    }

    public int webhookMaxAttempts() {
        return webhookMaxAttempts;
    }

    /** Returns the wait before the first retry; each later one waits twice as long, at most 10 minutes. */
    public Duration webhookRetryBase() {
        return webhookRetryBase;
    }

    /** Returns how clients fetch finished audio ({@code jobs.audio.download}, {@code jobs.audio.presign-expiry}). */
    public AudioDownload audioDownload() {
        return audioDownload;
    }

    @Override
    public String toString() {
        return "JobsConfig[dataDir=" + dataDir + ", store=" + store.id() + ", maxInputChars=" + maxInputChars
                + ", runChars=" + runChars + ", workers=" + workers + ", node=" + nodeId + "]";
    }

    /** Configures {@link JobsConfig}. */
    public static final class Builder {
        private final Path dataDir;
        private Path audioDir;
        private StoreKind store = StoreKind.SQLITE;
        private StoreOpener storeOpener;
        private int maxInputChars = 1_000_000;
        private int runChars = 1000;
        private int maxJobsPerTenant = 1000;
        private long maxStoredBytes = 10L << 30;
        private long maxRequestBytes = 8L << 20;
        private Duration defaultTtl = Duration.ofDays(1);
        private Duration maxTtl = Duration.ofDays(30);
        private Duration lease = Duration.ofSeconds(30);
        private int workers = 1;
        private Duration sweepInterval = Duration.ofSeconds(10);
        private String nodeId;
        private String webhookSecret;
        private S3AudioStore.S3Settings s3;
        private List<String> webhookAllow = List.of();
        private int webhookMaxAttempts = 8;
        private Duration webhookRetryBase = Duration.ofSeconds(5);
        private AudioDownload audioDownload = AudioDownload.PROXY;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "data.dir");
        }

        public Builder audioDir(Path p) {
            this.audioDir = Objects.requireNonNull(p, "jobs.audio-dir");
            return this;
        }

        public Builder store(StoreKind k) {
            this.store = Objects.requireNonNull(k, "jobs.store");
            return this;
        }

        /** Sets the store kind and what opens it (for {@code raft}: the replicated store's module). */
        public Builder store(StoreKind k, StoreOpener opener) {
            this.store = Objects.requireNonNull(k, "jobs.store");
            this.storeOpener = Objects.requireNonNull(opener, "opener");
            return this;
        }

        public Builder maxInputChars(int n) {
            this.maxInputChars = atLeast("jobs.max-input-chars", n, 1);
            return this;
        }

        /** Sets the longest sentence run, from 40 characters; it must not pass the speech route's input limit. */
        public Builder runChars(int n) {
            this.runChars = atLeast("jobs.run-chars", n, 40);
            return this;
        }

        public Builder maxJobsPerTenant(int n) {
            this.maxJobsPerTenant = atLeast("jobs.max-jobs-per-tenant", n, 1);
            return this;
        }

        public Builder maxStoredBytes(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("jobs.max-stored-bytes: " + n + " (expected: > 0)");
            }
            this.maxStoredBytes = n;
            return this;
        }

        public Builder maxRequestBytes(long n) {
            if (n < 1024) {
                throw new IllegalArgumentException("jobs.max-request-bytes: " + n + " (expected: >= 1024)");
            }
            this.maxRequestBytes = n;
            return this;
        }

        public Builder defaultTtl(Duration d) {
            this.defaultTtl = positive("jobs.default-ttl", d);
            return this;
        }

        public Builder maxTtl(Duration d) {
            this.maxTtl = positive("jobs.max-ttl", d);
            return this;
        }

        public Builder lease(Duration d) {
            this.lease = positive("jobs.lease", d);
            return this;
        }

        public Builder workers(int n) {
            this.workers = atLeast("jobs.workers", n, 0);
            return this;
        }

        public Builder sweepInterval(Duration d) {
            this.sweepInterval = positive("jobs.sweep-interval", d);
            return this;
        }

        public Builder nodeId(String id) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("jobs.node-id: '" + id + "' (expected: a non-blank name)");
            }
            this.nodeId = id;
            return this;
        }

        /**
         * Keeps the audio in an S3-compatible bucket instead of a directory ({@code jobs.s3.*}); credentials come
         * from the AWS SDK's default provider chain.
         *
         * @param endpoint  a non-AWS endpoint, or null for AWS
         * @param region    the region, or null for the provider chain's
         * @param pathStyle whether the bucket goes in the path rather than the host name
         */
        public Builder s3(String bucket, String prefix, java.net.URI endpoint, String region, boolean pathStyle) {
            this.s3 = new S3AudioStore.S3Settings(bucket, prefix, endpoint, region, pathStyle);
            return this;
        }

        /** Sets the key that signs notifications, at least 16 characters; without it, webhook_url is refused. */
        public Builder webhookSecret(String secret) {
            if (secret == null || secret.length() < 16) {
                throw new IllegalArgumentException("jobs.webhook.key: " + (secret == null ? "null"
                        : secret.length() + " characters") + " (expected: at least 16 characters)");
            }
            this.webhookSecret = secret;
            return this;
        }

        /** Sets the hosts (names or addresses, as in the URL) webhooks may reach on non-public addresses. */
        public Builder webhookAllow(List<String> hosts) {
            this.webhookAllow = List.copyOf(hosts);
            return this;
        }

        public Builder webhookMaxAttempts(int n) {
            this.webhookMaxAttempts = atLeast("jobs.webhook.max-attempts", n, 1);
            return this;
        }

        public Builder webhookRetryBase(Duration d) {
            this.webhookRetryBase = positive("jobs.webhook.retry-base", d);
            return this;
        }

        /** Sets how clients fetch finished audio; presigned needs an S3 audio store (default: proxy). */
        public Builder audioDownload(AudioDownload d) {
            this.audioDownload = Objects.requireNonNull(d, "jobs.audio.download");
            return this;
        }

        private static int atLeast(String name, int n, int min) {
            if (n < min) {
                throw new IllegalArgumentException(name + ": " + n + " (expected: >= " + min + ")");
            }
            return n;
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }

        public JobsConfig build() {
            return new JobsConfig(this);
        }
    }
}

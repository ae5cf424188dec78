package dev.chorus.jobs.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of this node's member of the job store's Raft group ({@code jobs.raft.*}; docs/configuration.md
 * lists them). Build one with {@link #builder}; each option is checked when it is set, naming its setting.
 */
public final class RaftSettings {

    private final String id;
    private final RaftPeers peers;
    private final Path dir;
    private final String bind;
    private final long snapshotEntries;
    private final int purgeGap;
    private final long segmentBytes;
    private final Duration electionTimeout;
    private final Duration requestTimeout;
    private final boolean join;

    private RaftSettings(Builder b) {
        this.id = b.id;
        this.peers = b.peers;
        this.dir = b.dir;
        this.bind = b.bind;
        this.snapshotEntries = b.snapshotEntries;
        this.purgeGap = b.purgeGap;
        this.segmentBytes = b.segmentBytes;
        this.electionTimeout = b.electionTimeout;
        this.requestTimeout = b.requestTimeout;
        this.join = b.join;
    }

    /**
     * Returns a builder for member {@code id} of the group {@code peers} ({@code id=host:port,...}, 3 or 5
     * members, {@code id} among them) keeping its log and snapshots in {@code dir}.
     */
    public static Builder builder(String id, String peers, Path dir) {
        return new Builder(id, peers, dir);
    }

    /** This member's id ({@code jobs.raft.id}). */
    public String id() {
        return id;
    }

    /** The group's members ({@code jobs.raft.peers}). */
    public RaftPeers peers() {
        return peers;
    }

    /** Where the Raft log, the snapshots and the state machine's working file live ({@code DATA_DIR/raft}). */
    public Path dir() {
        return dir;
    }

    /** The address the Raft service listens on ({@code jobs.raft.bind}); null: every interface. */
    public String bind() {
        return bind;
    }

    /** Applied log entries between two snapshots ({@code jobs.raft.snapshot-entries}). */
    public long snapshotEntries() {
        return snapshotEntries;
    }

    /** Log entries kept before a snapshot's index when the log is purged ({@code jobs.raft.purge-gap}). */
    public int purgeGap() {
        return purgeGap;
    }

    /** The largest log segment file; only whole closed segments are purged ({@code jobs.raft.segment-size}). */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** The shortest election timeout; the longest is twice it ({@code jobs.raft.election-timeout}). */
    public Duration electionTimeout() {
        return electionTimeout;
    }

    /** How long a store call waits for the group before it fails ({@code jobs.raft.request-timeout}). */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Whether this node starts as a new member joining a running group ({@code jobs.raft.join}): its member starts
     * with no configuration of its own, takes part in no election, and waits until the group's leader adds it
     * ({@code chorus jobs-raft set-members}) and sends it the log or a snapshot.
     */
    public boolean join() {
        return join;
    }

    /** Builds {@link RaftSettings}. */
    public static final class Builder {
        private final String id;
        private final RaftPeers peers;
        private final Path dir;
        private String bind;
        private long snapshotEntries = 10_000;
        private int purgeGap = 1_024;
        private long segmentBytes = 8L << 20;
        private Duration electionTimeout = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private boolean join;

        private Builder(String id, String peers, Path dir) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("jobs.raft.id: not set (expected: this node's id among "
                        + "jobs.raft.peers, required with jobs.store: raft)");
            }
            this.id = id.trim();
            this.peers = RaftPeers.parse(peers).requireGroupWith(this.id);
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** Listens on {@code host} only (default: every interface). */
        public Builder bind(String host) {
            if (host != null && (host.isBlank() || host.contains(" "))) {
                throw new IllegalArgumentException("jobs.raft.bind: '" + host + "' (expected: a host name or an "
                        + "address of this machine)");
            }
            this.bind = host;
            return this;
        }

        /** Takes a snapshot every {@code n} applied entries (default 10000). */
        public Builder snapshotEntries(long n) {
            if (n < 10) {
                throw new IllegalArgumentException("jobs.raft.snapshot-entries: " + n + " (expected: >= 10)");
            }
            this.snapshotEntries = n;
            return this;
        }

        /** Purges the log up to a snapshot in steps of {@code n} entries (default 1024). */
        public Builder purgeGap(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("jobs.raft.purge-gap: " + n + " (expected: >= 1)");
            }
            this.purgeGap = n;
            return this;
        }

        /** Sets the largest log segment (default 8 MiB; 16 KiB to 1 GiB). */
        public Builder segmentBytes(long n) {
            if (n < (16 << 10) || n > (1L << 30)) {
                throw new IllegalArgumentException("jobs.raft.segment-size: " + n + " bytes (expected: from 16KiB "
                        + "to 1GiB)");
            }
            this.segmentBytes = n;
            return this;
        }

        /** Sets the shortest election timeout (default 1s; 100ms to 60s). */
        public Builder electionTimeout(Duration d) {
            if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("jobs.raft.election-timeout: " + d
                        + " (expected: from 100ms to 60s)");
            }
            this.electionTimeout = d;
            return this;
        }

        /** Sets how long a store call waits for the group (default 10s; at least 1s). */
        public Builder requestTimeout(Duration d) {
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("jobs.raft.request-timeout: " + d + " (expected: >= 1s)");
            }
            this.requestTimeout = d;
            return this;
        }

        /** Starts this member as a new one joining a running group (default false: a founding member). */
        public Builder join(boolean join) {
            this.join = join;
            return this;
        }

        public RaftSettings build() {
            return new RaftSettings(this);
        }
    }
}

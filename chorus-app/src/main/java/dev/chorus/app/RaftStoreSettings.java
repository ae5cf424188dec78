package dev.chorus.app;

import dev.chorus.jobs.JobsConfig;
import dev.chorus.jobs.raft.RaftJobStore;
import dev.chorus.jobs.raft.RaftSettings;

import java.nio.file.Path;

/** Reads the {@code jobs.raft.*} settings of {@code jobs.store: raft}; every error names its setting. */
final class RaftStoreSettings {

    private RaftStoreSettings() {
    }

    /** Returns the replicated store's settings, its log under {@code DATA_DIR/raft}. */
    static RaftSettings settings(SourcedSettings s, Path dataDir) {
        String id = s.has("jobs.raft.id") ? s.string("jobs.raft.id") : null;
        String peers = s.has("jobs.raft.peers") ? s.string("jobs.raft.peers") : null;
        RaftSettings.Builder b = s.guard(id == null ? "jobs.raft.id" : "jobs.raft.peers",
                () -> RaftSettings.builder(id, peers, dataDir.resolve("raft")));
        if (s.has("jobs.raft.bind")) {
            s.guard("jobs.raft.bind", () -> b.bind(s.string("jobs.raft.bind")));
        }
        s.guard("jobs.raft.snapshot-entries", () -> b.snapshotEntries(s.integer("jobs.raft.snapshot-entries")));
        s.guard("jobs.raft.purge-gap", () -> b.purgeGap(s.integer("jobs.raft.purge-gap")));
        s.guard("jobs.raft.segment-size", () -> b.segmentBytes(s.bytes("jobs.raft.segment-size")));
        s.guard("jobs.raft.election-timeout", () -> b.electionTimeout(s.duration("jobs.raft.election-timeout")));
        s.guard("jobs.raft.request-timeout", () -> b.requestTimeout(s.duration("jobs.raft.request-timeout")));
        s.guard("jobs.raft.join", () -> b.join(s.flag("jobs.raft.join")));
        return b.build();
    }

    /** Returns what starts this node's member of the group when the jobs start. */
    static JobsConfig.StoreOpener opener(SourcedSettings s, Path dataDir) {
        RaftSettings settings = settings(s, dataDir);
        return RaftJobStore.opener(settings);
    }
}

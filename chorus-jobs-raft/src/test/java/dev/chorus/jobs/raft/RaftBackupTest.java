package dev.chorus.jobs.raft;

import dev.chorus.jobs.Job;
import dev.chorus.jobs.JobRun;
import dev.chorus.jobs.JobStatus;
import dev.chorus.jobs.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backup and restore with real Ratis groups of three members on loopback, in this process: a backup of a group
 * holding jobs in every state seeds a new group (new data directories, new ports), whose members all hold the same
 * jobs, with their status and runs, and which takes writes and snapshots from there.
 */
@Timeout(120)
class RaftBackupTest {

    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @TempDir
    Path dir;

    private final List<RaftJobStore> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(RaftJobStore::close);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String peers() throws IOException {
        return "a=127.0.0.1:" + freePort() + ",b=127.0.0.1:" + freePort() + ",c=127.0.0.1:" + freePort();
    }

    private List<RaftJobStore> start(String peers, String group) {
        List<RaftJobStore> stores = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            RaftJobStore s = RaftJobStore.start(RaftSettings.builder(id, peers, raftDir(group, id))
                    .bind("127.0.0.1").electionTimeout(Duration.ofMillis(300)).requestTimeout(Duration.ofSeconds(20))
                    .build(), null);
            open.add(s);
            stores.add(s);
        }
        return stores;
    }

    private Path raftDir(String group, String id) {
        return dir.resolve(group + "-" + id).resolve("raft");
    }

    private static JobStore.NewJob job(int i) {
        Job j = new Job("job-" + i, "t1", JobStatus.QUEUED, T0, T0.plusSeconds(3600), "wav", 40, 2, 0, 0, 0, 0, 0,
                null, null, null, null, null);
        return new JobStore.NewJob(j, "{\"input\":\"x" + i + "\"}", "h" + i,
                List.of(JobRun.planned(0, 0, 20, 1), JobRun.planned(1, 20, 40, 1)));
    }

    @Test
    void aBackupOfOneMemberSeedsANewGroupThatHoldsEveryJobAndItsState() throws Exception {
        String oldPeers = peers();
        List<RaftJobStore> old = start(oldPeers, "old");
        for (int i = 0; i < 20; i++) {
            assertThat(old.get(i % 3).create(job(i)).existed()).isFalse();
        }
        // Job states beyond queued: one running with a run done, one succeeded, one cancelled.
        Instant now = Instant.now();
        JobStore.Claim claim = old.getFirst().claim("node-a", now, Duration.ofMinutes(5)).orElseThrow();
        assertThat(old.getFirst().runDone(claim.job().id(), "node-a", 0, 22050, 22050, now, Duration.ofMinutes(5)))
                .isTrue();
        JobStore.Claim second = old.get(1).claim("node-b", now, Duration.ofMinutes(5)).orElseThrow();
        assertThat(old.get(1).succeed(second.job().id(), "node-b", 4000, now)).isTrue();
        assertThat(old.get(2).cancel("job-19", now)).isPresent();

        Path backup = dir.resolve("jobs-backup.db");
        RaftBackup.Taken taken = RaftBackup.backup(oldPeers, "b", raftDir("old", "b"), backup, Duration.ofSeconds(20));
        assertThat(taken.bytes()).isPositive();
        System.out.printf("raft backup: member b, up to log index %d, %d bytes%n", taken.index(), taken.bytes());
        assertThatThrownBy(() -> RaftBackup.backup(oldPeers, "b", raftDir("old", "b"), backup, Duration.ofSeconds(5)))
                .hasMessageContaining("exists");
        // A write after the backup is not in it.
        old.getFirst().create(job(99));
        old.forEach(RaftJobStore::close);
        open.clear();

        // The backup is the embedded store's file: it opens as is.
        try (JobStore copy = JobStore.sqlite(Files.copy(backup, dir.resolve("as-sqlite.db")))) {
            assertThat(copy.countJobs("t1")).isEqualTo(20);
        }

        for (String id : List.of("a", "b", "c")) {
            RaftBackup.restore(backup, raftDir("new", id));
        }
        assertThatThrownBy(() -> RaftBackup.restore(backup, raftDir("new", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never replaces");
        assertThatThrownBy(() -> RaftBackup.restore(dir.resolve("new-a").resolve("raft").resolve("log")
                .resolve(RaftJobStore.GROUP_ID.getUuid().toString()).resolve("current").resolve("raft-meta"),
                raftDir("other", "a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a job store backup");

        long t0 = System.nanoTime();
        List<RaftJobStore> restored = start(peers(), "new");
        for (RaftJobStore s : restored) {
            assertThat(s.countJobs("t1")).as("member " + s.id()).isEqualTo(20);
            assertThat(s.get("job-99")).isEmpty();
            assertThat(s.get(claim.job().id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
            assertThat(s.runs(claim.job().id()).getFirst().done()).isTrue();
            assertThat(s.get(second.job().id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(s.get("job-19").orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        }
        System.out.printf("raft restore: a new group of 3 seeded from the backup answered for all 20 jobs on every "
                + "member %.0f ms after its start%n", (System.nanoTime() - t0) / 1e6);
        // The new group goes on: writes, a claim of a restored job, a snapshot past the restored one.
        assertThat(restored.get(2).create(job(100)).existed()).isFalse();
        assertThat(restored.getFirst().get("job-100")).isPresent();
        Path out = dir.resolve("second-backup.db");
        RaftBackup.Taken again = RaftBackup.backup(restoredPeers(restored), "c", raftDir("new", "c"), out,
                Duration.ofSeconds(20));
        assertThat(again.index()).isPositive();
        try (JobStore copy = JobStore.sqlite(out)) {
            assertThat(copy.countJobs("t1")).isEqualTo(21);
        }
    }

    private static String restoredPeers(List<RaftJobStore> stores) {
        return String.join(",", stores.getFirst().settingsPeers().stream().map(RaftPeers.Peer::toString).toList());
    }
}

package dev.chorus.jobs.raft;

import dev.chorus.jobs.Job;
import dev.chorus.jobs.JobRun;
import dev.chorus.jobs.JobStatus;
import dev.chorus.jobs.JobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state machine's determinism: the same commands applied to separate copies give the same replies, byte for
 * byte, whatever the wall clock says while they are applied; a copy started from a snapshot (the closed file) of
 * another and given the rest of the log ends in the same state; a failing command fails the same way everywhere.
 */
class JobCommandsTest {

    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A log of commands as nodes a and b would write them: creations, claims, runs, webhooks, cancels, expiry. */
    private static List<byte[]> log(long seed) {
        Random r = new Random(seed);
        List<byte[]> log = new ArrayList<>();
        int jobs = 0;
        for (int step = 0; step < 400; step++) {
            Instant now = T0.plusMillis(step * 250L);
            String node = r.nextBoolean() ? "node-a" : "node-b";
            String id = "job-" + r.nextInt(Math.max(1, jobs));
            switch (r.nextInt(9)) {
                case 0, 1 -> {
                    String jid = "job-" + jobs++;
                    Job j = new Job(jid, r.nextBoolean() ? "t1" : "t2", JobStatus.QUEUED, now, now.plusSeconds(60),
                            "wav", 40, 2, 0, 0, 0, 0, 0, null, r.nextBoolean() ? "https://h.example/x" : null,
                            r.nextInt(4) == 0 ? "key-" + r.nextInt(5) : null, null, null);
                    log.add(JobCommands.command(JobCommands.Op.CREATE).job(j).str("{\"input\":\"x\"}").str("h")
                            .runs(List.of(JobRun.planned(0, 0, 20, 1), JobRun.planned(1, 20, 40, 1))).bytes());
                }
                case 2, 3 -> log.add(JobCommands.command(JobCommands.Op.CLAIM).str(node).instant(now).i64(2_000)
                        .bytes());
                case 4 -> log.add(JobCommands.command(JobCommands.Op.RUN_DONE).str(id).str(node).i32(r.nextInt(2))
                        .i64(1000).i32(22050).instant(now).i64(2_000).bytes());
                case 5 -> log.add(JobCommands.command(JobCommands.Op.SUCCEED).str(id).str(node).i64(4000)
                        .instant(now).bytes());
                case 6 -> log.add(JobCommands.command(JobCommands.Op.CLAIM_WEBHOOKS).instant(now).i64(1_000).i32(5)
                        .bytes());
                case 7 -> log.add(JobCommands.command(JobCommands.Op.CANCEL).str(id).instant(now).bytes());
                default -> log.add(JobCommands.command(JobCommands.Op.EXPIRE).str(id).instant(now).bytes());
            }
        }
        // Reads at the end show the state itself.
        for (String tenant : List.of("t1", "t2")) {
            log.add(JobCommands.command(JobCommands.Op.LIST).str(tenant).str(null).i32(1000).bytes());
        }
        log.add(JobCommands.command(JobCommands.Op.STATS).bytes());
        log.add(JobCommands.command(JobCommands.Op.STORED_BYTES).bytes());
        return log;
    }

    private static List<byte[]> applyAll(JobStore store, List<byte[]> log) throws Exception {
        List<byte[]> replies = new ArrayList<>();
        for (byte[] c : log) {
            replies.add(JobCommands.apply(store, c));
            Thread.sleep(0, 1000); // the wall clock moves; nothing applied may depend on it
        }
        return replies;
    }

    @Test
    void sameLogSameRepliesOnEveryCopy() throws Exception {
        List<byte[]> log = log(17);
        List<byte[]> a;
        List<byte[]> b;
        try (JobStore sa = JobStore.sqlite(dir.resolve("a.db"))) {
            a = applyAll(sa, log);
        }
        Thread.sleep(20);
        try (JobStore sb = JobStore.sqlite(dir.resolve("b.db"))) {
            b = applyAll(sb, log);
        }
        assertThat(a).hasSameSizeAs(b);
        int claims = 0;
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("reply to command " + i).isEqualTo(b.get(i));
            if (JobCommands.op(log.get(i)) == JobCommands.Op.CLAIM && JobCommands.result(a.get(i)).bool()) {
                claims++;
            }
        }
        assertThat(claims).as("claims granted in the log").isGreaterThan(10);
        // The final listing holds jobs in several states: the log exercised more than creation.
        Wire.In list = JobCommands.result(a.get(a.size() - 4));
        assertThat(list.jobs()).extracting(Job::status).contains(JobStatus.SUCCEEDED, JobStatus.CANCELLED);
    }

    @Test
    void aCopyStartedFromASnapshotEndsInTheSameState() throws Exception {
        List<byte[]> log = log(23);
        int half = log.size() / 2;
        List<byte[]> full;
        try (JobStore s = JobStore.sqlite(dir.resolve("full.db"))) {
            full = applyAll(s, log);
        }
        try (JobStore s = JobStore.sqlite(dir.resolve("first.db"))) {
            applyAll(s, log.subList(0, half));
        }
        Files.copy(dir.resolve("first.db"), dir.resolve("snap.db"));
        try (JobStore s = JobStore.sqlite(dir.resolve("snap.db"))) {
            List<byte[]> rest = applyAll(s, log.subList(half, log.size()));
            for (int i = 0; i < rest.size(); i++) {
                assertThat(rest.get(i)).as("reply to command " + (half + i)).isEqualTo(full.get(half + i));
            }
        }
    }

    @Test
    void aFailingCommandFailsTheSameWayAndTheStoreGoesOn() throws Exception {
        Job j = new Job("dup", "t", JobStatus.QUEUED, T0, T0.plusSeconds(60), "wav", 1, 1, 0, 0, 0, 0, 0, null, null,
                null, null, null);
        byte[] create = JobCommands.command(JobCommands.Op.CREATE).job(j).str("{}").str("h")
                .runs(List.of(JobRun.planned(0, 0, 1, 1))).bytes();
        try (JobStore s = JobStore.sqlite(dir.resolve("f.db"))) {
            assertThat(JobCommands.result(JobCommands.apply(s, create)).job().id()).isEqualTo("dup");
            byte[] again = JobCommands.apply(s, create);
            assertThat(again[0]).isEqualTo((byte) JobCommands.FAILED);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobCommands.result(again))
                    .hasMessageContaining("jobs store (raft): create:");
            byte[] badCursor = JobCommands.apply(s, JobCommands.command(JobCommands.Op.LIST).str("t").str("nope!")
                    .i32(10).bytes());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobCommands.result(badCursor))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
            assertThat(JobCommands.result(JobCommands.apply(s, JobCommands.command(JobCommands.Op.COUNT).str("t")
                    .bytes())).i32()).isEqualTo(1);
        }
    }
}

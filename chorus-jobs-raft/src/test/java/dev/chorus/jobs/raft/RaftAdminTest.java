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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checks {@code set-members} makes before it asks anything of a real (in-process) Ratis group of three: a new
 * member that does not answer, or that runs as a group of its own instead of joining, and a member that stays given
 * with another address are refused with a message saying what to do, and the members stay as they were; a joining
 * member is then added and holds the jobs.
 */
@Timeout(90)
class RaftAdminTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private RaftJobStore member(String id, String peers, boolean join) {
        RaftJobStore s = RaftJobStore.start(RaftSettings.builder(id, peers, dir.resolve(id).resolve("raft"))
                .bind("127.0.0.1").electionTimeout(Duration.ofMillis(300)).requestTimeout(Duration.ofSeconds(20))
                .join(join).build(), null);
        open.add(s);
        return s;
    }

    @Test
    void setMembersRefusesWhatWouldHangAndAddsAJoiningMember() throws Exception {
        String a = "a=127.0.0.1:" + freePort();
        String b = "b=127.0.0.1:" + freePort();
        String c = "c=127.0.0.1:" + freePort();
        String d = "d=localhost:" + freePort();
        String e = "e=127.0.0.1:" + freePort();
        String group = a + "," + b + "," + c;
        member("a", group, false);
        member("b", group, false);
        RaftJobStore storeC = member("c", group, false);
        Instant t0 = Instant.now();
        Job j = new Job("job-1", "t1", JobStatus.QUEUED, t0, t0.plusSeconds(3600), "wav", 20, 1, 0, 0, 0, 0, 0, null,
                null, null, null, null);
        storeC.create(new JobStore.NewJob(j, "{}", "h", List.of(JobRun.planned(0, 0, 20, 1))));
        RaftAdmin admin = RaftAdmin.connect(group, Duration.ofSeconds(10));
        open.add(admin);

        assertThatThrownBy(() -> admin.setMembers(a + "," + b + "," + e, Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class).hasMessageContaining("new member " + e + " does not answer")
                .hasMessageContaining("jobs.raft.join: true");
        // d started with the new members as a group of its own (not joining).
        RaftJobStore alone = member("d", a + "," + b + "," + d, false);
        assertThatThrownBy(() -> admin.setMembers(a + "," + b + "," + d, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs as a member of its own group");
        alone.close();
        open.remove(alone);
        assertThatThrownBy(() -> admin.setMembers(a.replace("127.0.0.1", "localhost") + "," + b + "," + d,
                Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(a + " in the group's configuration");
        assertThat(admin.status()).allSatisfy(l -> assertThat(l).contains("members=").doesNotContain("d="));

        // d joins from an empty data directory, replacing c.
        java.nio.file.Files.walk(dir.resolve("d")).sorted(java.util.Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());
        RaftJobStore joined = member("d", a + "," + b + "," + d, true);
        RaftAdmin.Change change = admin.setMembers(a + "," + b + "," + d, Duration.ofSeconds(30));
        assertThat(change.added()).containsExactly("d");
        assertThat(change.removed()).containsExactly("c");
        assertThat(joined.get("job-1")).isPresent();
        assertThat(admin.setMembers(a + "," + b + "," + d, Duration.ofSeconds(10)).none()).isTrue();
    }
}

package dev.chorus.jobs.raft;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** jobs.raft.* validation: a bad peers string or id is refused with a message naming the setting. */
class RaftSettingsTest {

    private static final Path DIR = Path.of("/tmp/raft");

    @Test
    void aGoodGroupParses() {
        RaftSettings s = RaftSettings.builder("b", " a=10.0.1.5:9870, b=zone-b.internal:9870,c=[::1]:9871", DIR)
                .electionTimeout(Duration.ofMillis(500)).snapshotEntries(100).build();
        assertThat(s.peers().peers()).extracting(RaftPeers.Peer::address)
                .containsExactly("10.0.1.5:9870", "zone-b.internal:9870", "[::1]:9871");
        assertThat(s.id()).isEqualTo("b");
        assertThat(s.snapshotEntries()).isEqualTo(100);
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badPeersAreRefusedClearly() {
        assertThatThrownBy(() -> RaftSettings.builder("a", null, DIR)).hasMessageContaining("jobs.raft.peers: empty");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a=h1:1,b=h2:2", DIR))
                .hasMessageContaining("jobs.raft.peers: 2 members (expected: 3 or 5");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a=h1:1,b=h2:2,c=h3:3,d=h4:4", DIR))
                .hasMessageContaining("4 members");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a=h1:1,b=h2,c=h3:3", DIR))
                .hasMessageContaining("'b=h2' (expected: id=host:port");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a=h1:1,b=h2:99999,c=h3:3", DIR))
                .hasMessageContaining("'b=h2:99999' (expected: a port from 1 to 65535");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a=h1:1,b=h2:x,c=h3:3", DIR))
                .hasMessageContaining("a port from 1 to 65535");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a=h1:1,a=h2:2,c=h3:3", DIR))
                .hasMessageContaining("each id once");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a=h1:1,b=h1:1,c=h3:3", DIR))
                .hasMessageContaining("each host:port once");
        assertThatThrownBy(() -> RaftSettings.builder("a", "a b=h1:1,b=h2:2,c=h3:3", DIR))
                .hasMessageContaining("an id of letters");
        assertThatThrownBy(() -> RaftSettings.builder("a", "h1:1,h2:2,h3:3", DIR))
                .hasMessageContaining("'h1:1' (expected: id=host:port");
    }

    @Test
    void theIdMustBeAMemberAndLimitsAreChecked() {
        String peers = "a=h1:1,b=h2:2,c=h3:3";
        assertThatThrownBy(() -> RaftSettings.builder("d", peers, DIR))
                .hasMessageContaining("jobs.raft.id: 'd' is not among jobs.raft.peers (a, b, c)");
        assertThatThrownBy(() -> RaftSettings.builder(null, peers, DIR)).hasMessageContaining("jobs.raft.id: not set");
        RaftSettings.Builder b = RaftSettings.builder("a", peers, DIR);
        assertThatThrownBy(() -> b.snapshotEntries(5)).hasMessageContaining("jobs.raft.snapshot-entries: 5");
        assertThatThrownBy(() -> b.electionTimeout(Duration.ofMillis(10)))
                .hasMessageContaining("jobs.raft.election-timeout");
        assertThatThrownBy(() -> b.requestTimeout(Duration.ofMillis(10)))
                .hasMessageContaining("jobs.raft.request-timeout");
        assertThatThrownBy(() -> b.segmentBytes(100)).hasMessageContaining("jobs.raft.segment-size");
        assertThatThrownBy(() -> b.purgeGap(0)).hasMessageContaining("jobs.raft.purge-gap");
    }
}

package dev.chorus.jobs.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Membership and status of a running job store group, as a client of it (behind {@code chorus jobs-raft}): who
 * leads, each member's role, term and commit index, and changes of membership. A change goes through Raft's joint
 * consensus: a new member first catches up (from a snapshot when the log was purged), then the new configuration
 * is committed by a majority of the old and of the new.
 */
public final class RaftAdmin implements AutoCloseable {

    private final RaftPeers peers;
    private final RaftClient client;

    private RaftAdmin(RaftPeers peers, Duration timeout) {
        this.peers = peers;
        this.client = RaftJobStore.client(RaftJobStore.group(peers), timeout);
    }

    /** Connects to the group whose members (some of them reachable) are {@code peers} ({@code id=host:port,...}). */
    public static RaftAdmin connect(String peers, Duration timeout) {
        return new RaftAdmin(RaftPeers.parse(peers), timeout);
    }

    /** Returns one line per member: id, address, role, term, commit index; unreachable members say so. */
    public List<String> status() {
        List<String> lines = new ArrayList<>();
        for (RaftPeers.Peer p : peers.peers()) {
            try {
                GroupInfoReply info = client.getGroupManagementApi(RaftPeerId.valueOf(p.id()))
                        .info(RaftJobStore.GROUP_ID);
                long commit = info.getCommitInfos().stream()
                        .filter(c -> c.getServer().getId().toStringUtf8().equals(p.id()))
                        .mapToLong(CommitInfoProto::getCommitIndex).findFirst().orElse(-1);
                var role = info.getRoleInfoProto();
                String members = String.join(",", info.getGroup().getPeers().stream()
                        .map(x -> x.getId() + "=" + x.getAddress()).toList());
                lines.add(p.id() + " " + p.address() + " " + role.getRole().name().toLowerCase(java.util.Locale.ROOT)
                        + (role.hasLeaderInfo() ? " term=" + role.getLeaderInfo().getTerm() : "")
                        + " commit=" + commit + " members=" + members);
            } catch (IOException | RuntimeException e) {
                lines.add(p.id() + " " + p.address() + " unreachable (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + ")");
            }
        }
        return lines;
    }

    /**
     * Makes {@code members} ({@code id=host:port,...}, 3 or 5 of them) the group's members: adds the new ones
     * (started beforehand with these peers), removes the ones left out.
     *
     * @throws IOException when the group refuses or does not answer
     */
    public void setMembers(String members) throws IOException {
        RaftPeers target = RaftPeers.parse(members);
        if (target.peers().size() != 3 && target.peers().size() != 5) {
            throw new IllegalArgumentException("members: " + target.peers().size() + " (expected: 3 or 5)");
        }
        RaftGroup group = RaftJobStore.group(target);
        List<RaftPeer> list = new ArrayList<>(group.getPeers());
        RaftClientReply reply = client.admin().setConfiguration(list);
        if (!reply.isSuccess()) {
            throw new IOException("the group refused the members " + target + ": " + reply.getException());
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}

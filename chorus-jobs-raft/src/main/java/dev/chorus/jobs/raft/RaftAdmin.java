package dev.chorus.jobs.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;

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
     * Makes {@code members} ({@code id=host:port,...}, 3 or 5 of them) the group's members: adds the new ones, removes
     * the ones left out, through Raft's joint consensus; returns what changed. Before anything is asked of the group:
     * <ul>
     *   <li>the leader must answer, and its configuration is the one changed (compare and set: a change made by
     *       someone else meanwhile is refused, not overwritten);</li>
     *   <li>a member that stays must be given exactly as the group's configuration holds it (the same
     *       {@code host:port}, names not swapped for addresses);</li>
     *   <li>each new member must answer and be a joining member ({@code jobs.raft.join: true}, no configuration of
     *       its own yet), so the leader can bring it up to date before the change commits.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for members that break these rules (nothing is changed)
     * @throws IOException when the group does not answer or refuses the change
     */
    public Change setMembers(String members, Duration timeout) throws IOException {
        RaftPeers target = RaftPeers.parse(members);
        if (target.peers().size() != 3 && target.peers().size() != 5) {
            throw new IllegalArgumentException("members: " + target.peers().size() + " (expected: 3 or 5)");
        }
        java.util.Map<String, RaftPeers.Peer> everyone = new java.util.LinkedHashMap<>();
        peers.peers().forEach(p -> everyone.put(p.id(), p));
        target.peers().forEach(p -> everyone.putIfAbsent(p.id(), p));
        RaftGroup union = RaftGroup.valueOf(RaftJobStore.GROUP_ID, everyone.values().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build()).toList());
        // Questions to single members fail fast; only the change itself waits for the new members to catch up.
        try (RaftClient quick = RaftJobStore.client(union, Duration.ofSeconds(1), Duration.ofSeconds(3));
             RaftClient c = RaftJobStore.client(union, timeout, timeout)) {
            GroupInfoReply leader = leaderInfo(quick);
            List<RaftPeer> current = List.copyOf(leader.getGroup().getPeers());
            java.util.Map<String, String> currentById = new java.util.LinkedHashMap<>();
            current.forEach(p -> currentById.put(p.getId().toString(), p.getAddress()));
            List<String> added = new ArrayList<>();
            for (RaftPeers.Peer p : target.peers()) {
                String held = currentById.get(p.id());
                if (held == null) {
                    added.add(p.id());
                } else if (!held.equals(p.address())) {
                    throw new IllegalArgumentException("members: " + p + " is " + p.id() + "=" + held
                            + " in the group's configuration; give a member that stays exactly as the group holds "
                            + "it (chorus jobs-raft status shows the members)");
                }
            }
            List<String> removed = currentById.keySet().stream().filter(id -> target.find(id) == null).toList();
            if (added.isEmpty() && removed.isEmpty()) {
                return new Change(List.of(), List.of(), target.toString());
            }
            if (target.peers().stream().filter(p -> currentById.containsKey(p.id())).count()
                    < currentById.size() / 2 + 1 && !added.isEmpty()) {
                // Allowed by Raft, but the new majority would rest on members that have nothing yet.
                throw new IllegalArgumentException("members: keep a majority of the current members ("
                        + String.join(",", currentById.keySet()) + ") and change the rest in more steps");
            }
            for (String id : added) {
                checkJoining(quick, target.find(id), currentById.keySet());
            }
            List<RaftPeer> next = RaftJobStore.group(target).getPeers().stream().toList();
            RaftClientReply reply = c.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInCurrentConf(current).setServersInNewConf(next)
                    .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build());
            if (!reply.isSuccess()) {
                throw new IOException("the group refused the members " + target + ": " + reply.getException());
            }
            return new Change(added, removed, target.toString());
        }
    }

    /** What a membership change did: the ids added and removed, and the members now. */
    public record Change(List<String> added, List<String> removed, String members) {
        /** Returns whether the members were already these. */
        public boolean none() {
            return added.isEmpty() && removed.isEmpty();
        }
    }

    private GroupInfoReply leaderInfo(RaftClient c) throws IOException {
        List<String> seen = new ArrayList<>();
        for (RaftPeers.Peer p : peers.peers()) {
            try {
                GroupInfoReply info = c.getGroupManagementApi(RaftPeerId.valueOf(p.id())).info(RaftJobStore.GROUP_ID);
                if (info.getRoleInfoProto().getRole() == org.apache.ratis.proto.RaftProtos.RaftPeerRole.LEADER) {
                    return info;
                }
                seen.add(p.id() + " " + info.getRoleInfoProto().getRole().name().toLowerCase(java.util.Locale.ROOT));
            } catch (IOException | RuntimeException e) {
                seen.add(p.id() + " unreachable");
            }
        }
        throw new IOException("no leader among " + peers.ids() + " (" + String.join(", ", seen) + "): a change of "
                + "membership needs the group's majority; a group that lost it for good is restored from a backup");
    }

    private static void checkJoining(RaftClient c, RaftPeers.Peer p, java.util.Set<String> current)
            throws IOException {
        GroupInfoReply info;
        try {
            info = c.getGroupManagementApi(RaftPeerId.valueOf(p.id())).info(RaftJobStore.GROUP_ID);
        } catch (IOException | RuntimeException e) {
            throw new IOException("new member " + p + " does not answer (" + e.getClass().getSimpleName() + "): "
                    + "start it first, with jobs.raft.join: true, jobs.raft.id: " + p.id()
                    + " and an empty data directory", e);
        }
        java.util.Set<String> its = new java.util.TreeSet<>();
        info.getGroup().getPeers().forEach(x -> its.add(x.getId().toString()));
        if (!its.isEmpty() && !its.equals(new java.util.TreeSet<>(current))) {
            throw new IllegalArgumentException("new member " + p + " runs as a member of its own group ("
                    + String.join(",", its) + ") rather than joining this one: stop it, empty its data "
                    + "directory's raft/ and start it with jobs.raft.join: true");
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}

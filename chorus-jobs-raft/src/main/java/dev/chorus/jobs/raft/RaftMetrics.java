package dev.chorus.jobs.raft;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * This member's Raft figures as gauges: whether it leads, the term, the commit and applied indexes, how many
 * entries each follower lags behind the leader's commit (on the leader; NaN elsewhere), whether a leader is known,
 * and the age of the latest snapshot. {@code deploy/prometheus/alerts.yml} alerts on a group with no leader (a
 * lost quorum) and on a follower that stays far behind.
 */
final class RaftMetrics implements AutoCloseable {

    private final RaftJobStore store;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    RaftMetrics(RaftJobStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
        gauge("chorus.jobs.raft.leader", "1 when this member leads the job store's Raft group", null,
                s -> division(s) != null && division(s).getInfo().isLeader() ? 1 : 0);
        gauge("chorus.jobs.raft.leader.known", "1 when this member knows a leader of its Raft group", null,
                s -> division(s) != null && division(s).getInfo().getLeaderId() != null ? 1 : 0);
        gauge("chorus.jobs.raft.term", "The Raft term this member is in", null,
                s -> division(s) == null ? Double.NaN : division(s).getInfo().getCurrentTerm());
        gauge("chorus.jobs.raft.commit.index", "The highest log index this member knows is committed", null,
                s -> division(s) == null ? Double.NaN : division(s).getRaftLog().getLastCommittedIndex());
        gauge("chorus.jobs.raft.log.start.index", "The first index this member's log still holds (earlier "
                + "entries are purged into snapshots)", null,
                s -> division(s) == null ? Double.NaN : division(s).getRaftLog().getStartIndex());
        gauge("chorus.jobs.raft.applied.index", "The highest log index this member applied", null,
                s -> division(s) == null ? Double.NaN : division(s).getInfo().getLastAppliedIndex());
        Gauge g = Gauge.builder("chorus.jobs.raft.snapshot.age", store, s -> {
            long at = s.stateMachine().snapshotAtMillis();
            return at == 0 ? Double.NaN : Math.max(0, System.currentTimeMillis() - at) / 1000.0;
        }).baseUnit("seconds").description("How long ago this member's latest snapshot was taken or installed")
                .register(registry);
        meters.add(g);
        for (RaftPeers.Peer p : store.settingsPeers()) {
            if (!p.id().equals(store.id())) {
                gauge("chorus.jobs.raft.follower.lag", "Entries a follower lags behind the leader's commit index "
                        + "(reported by the leader; NaN on followers)", p.id(), s -> lag(s, p.id()));
            }
        }
    }

    private void gauge(String name, String description, String follower, ToDoubleFunction<RaftJobStore> f) {
        Gauge.Builder<RaftJobStore> b = Gauge.builder(name, store, f).description(description);
        if (follower != null) {
            b.tag("follower", follower);
        }
        meters.add(b.register(registry));
    }

    private static RaftServer.Division division(RaftJobStore s) {
        try {
            return s.division();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Returns how many entries {@code follower} lacks of the leader's commit index, or NaN when not leading. */
    static double lag(RaftJobStore s, String follower) {
        RaftServer.Division d = division(s);
        if (d == null || !d.getInfo().isLeader()) {
            return Double.NaN;
        }
        DivisionInfo info = d.getInfo();
        RoleInfoProto role = info.getRoleInfoProto();
        long[] match = info.getFollowerMatchIndices();
        List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
        long commit = d.getRaftLog().getLastCommittedIndex();
        for (int i = 0; i < followers.size() && i < match.length; i++) {
            if (followers.get(i).getId().getId().toStringUtf8().equals(follower)) {
                return Math.max(0, commit - match[i]);
            }
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}

package dev.chorus.jobs.raft;

import dev.chorus.jobs.Job;
import dev.chorus.jobs.JobRun;
import dev.chorus.jobs.JobStore;
import dev.chorus.service.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The replicated job store: this node's member of an Apache Ratis Raft group (3 or 5 Chorus nodes, one per zone)
 * and a client of that group. Every change is a command in the Raft log, acknowledged once a majority stored it
 * and applied by {@link JobStateMachine} on every member in the same order; every read is linearizable (a read
 * index from the leader, then answered by this member once it applied that far). Times (a claim's {@code now},
 * its lease) travel in the command, so claims are decided once, by the log: two nodes never hold one lease, and a
 * webhook attempt claimed by one node is not claimed by another.
 *
 * <p>When the group has no majority reachable from this node, a call fails after {@code jobs.raft.request-timeout}
 * with a 503 {@link ApiException} ({@code job_store_unavailable}); nothing unacknowledged is reported as done.
 */
public final class RaftJobStore implements JobStore {

    /** The one group every Chorus job store joins. */
    public static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("chorus-jobs".getBytes(StandardCharsets.UTF_8)));

    private static final System.Logger LOG = System.getLogger(RaftJobStore.class.getName());

    /** Runs the blocking client calls, one virtual thread each. */
    private static final java.util.concurrent.ExecutorService CALLS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private final RaftSettings settings;
    private final RaftServer server;
    private final RaftClient client;
    private final JobStateMachine stateMachine;
    private final RaftPeerId self;
    private RaftMetrics metrics;
    private static final long WEBHOOK_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private volatile long webhooksIdleSince = System.nanoTime() - WEBHOOK_IDLE_NANOS;

    private RaftJobStore(RaftSettings settings, RaftServer server, RaftClient client, JobStateMachine sm) {
        this.settings = settings;
        this.server = server;
        this.client = client;
        this.stateMachine = sm;
        this.self = RaftPeerId.valueOf(settings.id());
    }

    /** Returns the Ratis group of {@code peers}. */
    public static RaftGroup group(RaftPeers peers) {
        return RaftGroup.valueOf(GROUP_ID, peers.peers().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build()).toList());
    }

    /**
     * Starts this node's member of the group and a client of it; registers the Raft metrics in {@code meters}
     * (null: none). The store answers once a leader is elected; until then calls wait up to the request timeout.
     */
    public static RaftJobStore start(RaftSettings settings, MeterRegistry meters) {
        RaftProperties props = new RaftProperties();
        RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
        RaftPeers.Peer me = settings.peers().find(settings.id());
        GrpcConfigKeys.Server.setPort(props, me.port());
        if (settings.bind() != null) {
            GrpcConfigKeys.Server.setHost(props, settings.bind());
        }
        RaftServerConfigKeys.setStorageDir(props, List.of(settings.dir().resolve("log").toFile()));
        long min = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(Math.max(3_000, 2 * min),
                TimeUnit.MILLISECONDS));
        // Linearizable reads: a read index confirmed by the leader's heartbeat round, then a local query.
        RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setTimeout(props, TimeDuration.valueOf(settings.requestTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
        // Snapshots every snapshot-entries applied entries; the log is purged up to the snapshot, so a member that
        // falls further behind is sent the snapshot (install snapshot) instead of the entries it lost.
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, settings.snapshotEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
        RaftServerConfigKeys.Log.setPurgeGap(props, settings.purgeGap());
        RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(settings.segmentBytes()));
        // Ratis needs its write buffer above the appender's batch limit; both stay within a segment.
        long batch = Math.min(4L << 20, settings.segmentBytes() / 2);
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(props, SizeInBytes.valueOf(batch));
        RaftServerConfigKeys.Log.setWriteBufferSize(props, SizeInBytes.valueOf(batch + 1024));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(props, true);

        JobStateMachine sm = new JobStateMachine(settings.dir().resolve("state"));
        RaftGroup group = group(settings.peers());
        // A joining member starts with the group's id and no members: it takes part in no election and waits for
        // the leader to add it (set-members) and send it the log or a snapshot. Once it has joined, its log (or the
        // configuration stored with an installed snapshot) holds the members, whatever it was started with.
        RaftGroup initial = settings.join() ? RaftGroup.valueOf(GROUP_ID) : group;
        RaftServer server;
        try {
            server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(settings.id())).setGroup(initial)
                    .setProperties(props).setStateMachine(sm).setOption(RaftStorage.StartupOption.RECOVER).build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("jobs.raft: cannot start member '" + settings.id()
                    + "' on port " + me.port() + " with its log in " + settings.dir() + ": " + e.getMessage(), e));
        }
        RaftClient client = client(group, settings.requestTimeout());
        RaftJobStore store = new RaftJobStore(settings, server, client, sm);
        if (meters != null) {
            store.metrics = new RaftMetrics(store, meters);
        }
        LOG.log(System.Logger.Level.INFO, "jobs store (raft): member " + settings.id() + " of "
                + settings.peers() + (settings.join() ? " (joining: waits to be added by set-members)" : "")
                + ", log and snapshots in " + settings.dir());
        return store;
    }

    /** Returns what starts this store when the jobs start ({@code jobs.store: raft}). */
    public static dev.chorus.jobs.JobsConfig.StoreOpener opener(RaftSettings settings) {
        return meters -> start(settings, meters);
    }

    /** Returns a client of {@code group} whose calls retry for about {@code timeout}. */
    static RaftClient client(RaftGroup group, Duration timeout) {
        return client(group, timeout, Duration.ofSeconds(3));
    }

    /** Returns a client of {@code group} whose calls wait {@code attempt} each and retry for about {@code timeout}. */
    static RaftClient client(RaftGroup group, Duration timeout, Duration attempt) {
        RaftProperties props = new RaftProperties();
        RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(attempt.toMillis(),
                TimeUnit.MILLISECONDS));
        int attempts = (int) Math.max(5, timeout.toMillis() / 200);
        return RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group).setProperties(props)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts,
                        TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build();
    }

    RaftServer.Division division() throws IOException {
        return server.getDivision(GROUP_ID);
    }

    JobStateMachine stateMachine() {
        return stateMachine;
    }

    List<RaftPeers.Peer> settingsPeers() {
        return settings.peers().peers();
    }

    /** Returns this member's id. */
    public String id() {
        return settings.id();
    }

    private Wire.In call(Wire.Out command, JobCommands.Op op) {
        Message m = Message.valueOf(ByteString.copyFrom(command.bytes()));
        // Blocking calls, each on its own virtual thread: the client's ordered asynchronous stream would hold every
        // later call (a read, a metrics count) behind one write waiting for an election. Counts for the metrics
        // gauges are read from this member's applied state (no leader round trip), so a scrape never waits on an
        // election; every other read is linearizable (read index).
        CompletableFuture<RaftClientReply> f = CompletableFuture.supplyAsync(() -> {
            try {
                return op == JobCommands.Op.STATS ? client.io().sendStaleRead(m, 0, self)
                        : op.read ? client.io().sendReadOnly(m, self) : client.io().send(m);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, CALLS);
        RaftClientReply reply;
        try {
            reply = f.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw unavailable(op, "no answer from a majority of " + settings.peers().ids() + " within "
                    + settings.requestTimeout().toMillis() + " ms (jobs.raft.request-timeout)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw unavailable(op, String.valueOf(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(op, "interrupted");
        }
        if (!reply.isSuccess()) {
            throw unavailable(op, String.valueOf(reply.getException()));
        }
        return JobCommands.result(reply.getMessage().getContent().toByteArray());
    }

    private ApiException unavailable(JobCommands.Op op, String why) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        return new ApiException(503, JobStore.UNAVAILABLE, null, "job store (raft, member " + settings.id()
                + "): " + name + " failed: " + why + "; the job store needs a majority of its members", 1,
                Map.of());
    }

    private Wire.In call(JobCommands.Op op, java.util.function.Consumer<Wire.Out> args) {
        Wire.Out out = JobCommands.command(op);
        args.accept(out);
        return call(out, op);
    }

    @Override
    public Created create(NewJob job) {
        Wire.In in = call(JobCommands.Op.CREATE, o -> o.job(job.job()).str(job.request()).str(job.requestHash())
                .runs(job.runs()));
        return new Created(in.job(), in.bool(), in.str());
    }

    @Override
    public Optional<Job> get(String id) {
        Wire.In in = call(JobCommands.Op.GET, o -> o.str(id));
        return in.bool() ? Optional.of(in.job()) : Optional.empty();
    }

    @Override
    public List<JobRun> runs(String id) {
        return call(JobCommands.Op.RUNS, o -> o.str(id)).runs();
    }

    @Override
    public Page list(String tenant, String cursor, int limit) {
        Wire.In in = call(JobCommands.Op.LIST, o -> o.str(tenant).str(cursor).i32(limit));
        return new Page(in.jobs(), in.str());
    }

    @Override
    public int countJobs(String tenant) {
        return call(JobCommands.Op.COUNT, o -> o.str(tenant)).i32();
    }

    @Override
    public long storedBytes() {
        return call(JobCommands.Op.STORED_BYTES, o -> { }).i64();
    }

    @Override
    public Optional<Claim> claim(String node, Instant now, Duration lease) {
        // An idle node asks its own copy first (no log entry): with no active job anywhere there is nothing to
        // claim. A copy a little behind only delays a claim to the runner's next poll.
        Stats local = stats();
        if (local.queued() == 0 && local.running() == 0) {
            return Optional.empty();
        }
        Wire.In in = call(JobCommands.Op.CLAIM, o -> o.str(node).instant(now).i64(lease.toMillis()));
        return in.bool() ? Optional.of(new Claim(in.job(), in.str(), in.runs())) : Optional.empty();
    }

    @Override
    public boolean runDone(String id, String node, int index, long samples, int sampleRate, Instant now,
                           Duration lease) {
        return call(JobCommands.Op.RUN_DONE, o -> o.str(id).str(node).i32(index).i64(samples).i32(sampleRate)
                .instant(now).i64(lease.toMillis())).bool();
    }

    @Override
    public boolean renew(String id, String node, Instant now, Duration lease) {
        return call(JobCommands.Op.RENEW, o -> o.str(id).str(node).instant(now).i64(lease.toMillis())).bool();
    }

    @Override
    public boolean succeed(String id, String node, long audioBytes, Instant now) {
        return call(JobCommands.Op.SUCCEED, o -> o.str(id).str(node).i64(audioBytes).instant(now)).bool();
    }

    @Override
    public boolean fail(String id, String node, String error, Instant now) {
        return call(JobCommands.Op.FAIL, o -> o.str(id).str(node).str(error).instant(now)).bool();
    }

    @Override
    public Optional<Job> cancel(String id, Instant now) {
        Wire.In in = call(JobCommands.Op.CANCEL, o -> o.str(id).instant(now));
        return in.bool() ? Optional.of(in.job()) : Optional.empty();
    }

    @Override
    public boolean delete(String id) {
        return call(JobCommands.Op.DELETE, o -> o.str(id)).bool();
    }

    @Override
    public Stats stats() {
        Wire.In in = call(JobCommands.Op.STATS, o -> { });
        return new Stats(in.i32(), in.i32(), in.instant());
    }

    @Override
    public List<Job> claimWebhooks(Instant now, Duration lease, int limit) {
        // Each poll is a log entry on every member: after one that found nothing, wait a second before the next.
        if (System.nanoTime() - webhooksIdleSince < WEBHOOK_IDLE_NANOS) {
            return List.of();
        }
        List<Job> due = call(JobCommands.Op.CLAIM_WEBHOOKS, o -> o.instant(now).i64(lease.toMillis()).i32(limit))
                .jobs();
        webhooksIdleSince = due.isEmpty() ? System.nanoTime() : System.nanoTime() - WEBHOOK_IDLE_NANOS;
        return due;
    }

    @Override
    public void webhookAttempt(String id, String state, String error, Instant nextAt) {
        call(JobCommands.Op.WEBHOOK_ATTEMPT, o -> o.str(id).str(state).str(error).instant(nextAt));
    }

    @Override
    public List<Job> expiring(Instant now, int limit) {
        return call(JobCommands.Op.EXPIRING, o -> o.instant(now).i32(limit)).jobs();
    }

    @Override
    public void expire(String id, Instant now) {
        call(JobCommands.Op.EXPIRE, o -> o.str(id).instant(now));
    }

    @Override
    public int purgeExpired(Instant before) {
        return call(JobCommands.Op.PURGE_EXPIRED, o -> o.instant(before)).i32();
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        try {
            client.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "jobs store (raft): closing the client: " + e);
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "jobs store (raft): stopping member " + settings.id() + ": " + e);
        }
    }
}

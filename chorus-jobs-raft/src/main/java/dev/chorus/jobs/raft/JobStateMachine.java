package dev.chorus.jobs.raft;

import dev.chorus.jobs.JobStore;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;

/**
 * One member's copy of the job metadata: a private SQLite file that only committed log entries change, in log
 * order, through {@link JobCommands#apply}. Nothing in applying reads a clock or a random source, so every member
 * that applied the same entries holds the same jobs.
 *
 * <p>Snapshots: the file itself, copied (closed, so its WAL is folded in) to Ratis's snapshot file
 * {@code snapshot.TERM_INDEX} with an MD5 beside it. On start, and after the leader installed a snapshot on a
 * member whose log was too far behind, the working file is replaced by the latest snapshot and the log entries after
 * it are applied again; the working file is never trusted across restarts.
 */
final class JobStateMachine extends BaseStateMachine {

    private static final System.Logger LOG = System.getLogger(JobStateMachine.class.getName());

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Path stateDir;
    private JobStore state;
    private volatile long snapshotAtMillis;
    private volatile long snapshotIndex = RaftLog.INVALID_LOG_INDEX;

    /** Creates a state machine that keeps its working file in {@code stateDir}. */
    JobStateMachine(Path stateDir) {
        this.stateDir = stateDir;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.getLatestSnapshot());
        });
    }

    /**
     * Pauses applying before the server installs a snapshot from the leader (Ratis then expects the state machine
     * PAUSED, and calls {@link #reinitialize()} once the snapshot files are in place).
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** Loads the snapshot the leader installed (or the latest one) and resumes applying. */
    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        load(snapshot);
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
        LOG.log(System.Logger.Level.INFO, "jobs store (raft): installed the leader's snapshot "
                + (snapshot == null ? "(none)" : snapshot.getTermIndex()));
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private Path workingFile() {
        return stateDir.resolve("jobs.db");
    }

    private synchronized void load(SingleFileSnapshotInfo snapshot) throws IOException {
        closeState();
        Files.createDirectories(stateDir);
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(stateDir.resolve("jobs.db" + suffix));
        }
        if (snapshot != null && Files.exists(snapshot.getFile().getPath())) {
            Path file = snapshot.getFile().getPath();
            MD5Hash md5 = snapshot.getFile().getFileDigest();
            if (md5 != null) {
                MD5FileUtil.verifySavedMD5(file.toFile(), md5);
            }
            Files.copy(file, workingFile());
            setLastAppliedTermIndex(snapshot.getTermIndex());
            snapshotIndex = snapshot.getIndex();
            snapshotAtMillis = Files.getLastModifiedTime(file).toMillis();
            LOG.log(System.Logger.Level.INFO, "jobs store (raft): loaded snapshot " + snapshot.getTermIndex());
        } else {
            setLastAppliedTermIndex(null);
        }
        state = JobStore.sqlite(workingFile());
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] command = entry.getStateMachineLogEntry().getLogData().toByteArray();
        byte[] reply;
        synchronized (this) {
            reply = JobCommands.apply(state, command);
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] command = request.getContent().toByteArray();
        try {
            if (!JobCommands.op(command).read) {
                throw new IllegalArgumentException("jobs store (raft): a write sent as a read");
            }
            byte[] reply;
            synchronized (this) {
                reply = JobCommands.apply(state, command);
            }
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last;
        Path file;
        synchronized (this) {
            last = getLastAppliedTermIndex();
            if (last == null || last.getIndex() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            file = storage.getSnapshotFile(last.getTerm(), last.getIndex()).toPath();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            closeState();
            try {
                Files.copy(workingFile(), tmp, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                state = JobStore.sqlite(workingFile());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), last));
        snapshotIndex = last.getIndex();
        snapshotAtMillis = System.currentTimeMillis();
        LOG.log(System.Logger.Level.INFO, "jobs store (raft): took snapshot " + last);
        return last.getIndex();
    }

    /** Returns when the latest snapshot was taken or installed (epoch ms), 0 before the first. */
    long snapshotAtMillis() {
        return snapshotAtMillis;
    }

    /** Returns the log index the latest snapshot holds, -1 before the first. */
    long snapshotIndex() {
        return snapshotIndex;
    }

    private void closeState() {
        if (state != null) {
            state.close();
            state = null;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closeState();
        super.close();
    }
}

package dev.chorus.jobs.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.util.SizeInBytes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backup and restore of the replicated job store (behind {@code chorus jobs-raft backup|restore}).
 *
 * <p>A backup is one member's snapshot, taken on request: the member first answers a linearizable read (so it has
 * applied every write acknowledged before the backup began), then takes a snapshot, and the snapshot file (a closed
 * SQLite file with the embedded store's schema, checked against its MD5) is copied out of the member's data
 * directory. It must therefore run on the member's machine.
 *
 * <p>A restore seeds one member of a NEW group from a backup: in an empty data directory it formats the Raft storage
 * of the group and puts the backup in as the group's first snapshot (term 0, index 0). Every member of the new group
 * is seeded from the same backup and started with the new group's {@code jobs.raft.peers}; the group's id is the
 * same as ever (one group per deployment), so its members must never meet a member of the old group.
 */
public final class RaftBackup {

    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private RaftBackup() {
    }

    /** A backup taken: the member it came from, the log index it holds everything up to, the file and its size. */
    public record Taken(String member, long index, Path file, long bytes) {
    }

    /**
     * Asks {@code member} of the group {@code peers} to take a snapshot holding every write acknowledged so far, and
     * copies it from {@code raftDir} (that member's {@code DATA_DIR/raft}) to {@code out}.
     *
     * @throws IllegalArgumentException for a member not among the peers, an existing {@code out}, or a directory
     *                                  that is not that member's
     * @throws IOException              when the member does not answer or its snapshot cannot be read
     */
    public static Taken backup(String peers, String member, Path raftDir, Path out, Duration timeout)
            throws IOException {
        RaftPeers group = RaftPeers.parse(peers);
        if (group.find(member) == null) {
            throw new IllegalArgumentException("member: '" + member + "' is not among the peers (" + group.ids() + ")");
        }
        if (Files.exists(out)) {
            throw new IllegalArgumentException("out: " + out + " exists (a backup never overwrites a file)");
        }
        Path sm = raftDir.resolve("log").resolve(RaftJobStore.GROUP_ID.getUuid().toString()).resolve("sm");
        if (!Files.isDirectory(sm)) {
            throw new IllegalArgumentException("data dir: no job store member in " + raftDir.getParent() + " (no "
                    + sm + "): run the backup on member " + member + "'s machine, with its data directory");
        }
        RaftPeerId id = RaftPeerId.valueOf(member);
        long index;
        try (RaftClient c = RaftJobStore.client(RaftJobStore.group(group), timeout, timeout)) {
            // A linearizable read through the member: it has then applied every write acknowledged before now.
            RaftClientReply read = c.io().sendReadOnly(Message.valueOf(ByteString.copyFrom(
                    JobCommands.command(JobCommands.Op.STATS).bytes())), id);
            if (!read.isSuccess()) {
                throw new IOException("member " + member + " could not serve a linearizable read: "
                        + read.getException());
            }
            RaftClientReply snap = c.getSnapshotManagementApi(id).create(true, timeout.toMillis());
            if (!snap.isSuccess()) {
                throw new IOException("member " + member + " did not take a snapshot: " + snap.getException());
            }
            index = snap.getLogIndex();
        }
        if (index < 0) {
            throw new IOException("member " + member + " has applied nothing yet: there is nothing to back up");
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        // The member keeps its two latest snapshots: while copying, newer ones may replace this one; take the
        // newest then (it holds at least as much).
        for (int attempt = 0; ; attempt++) {
            Path file = latest(sm, index);
            if (file == null) {
                throw new IOException("no snapshot at or after index " + index + " in " + sm + ": is this member "
                        + member + "'s data directory?");
            }
            try {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                MD5Hash stored = MD5FileUtil.readStoredMd5ForFile(file.toFile());
                if (stored != null && !stored.equals(MD5FileUtil.computeMd5ForFile(tmp.toFile()))) {
                    throw new IOException("the copy of " + file + " does not match its MD5");
                }
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
                Matcher m = SNAPSHOT.matcher(file.getFileName().toString());
                long at = m.matches() ? Long.parseLong(m.group(2)) : index;
                return new Taken(member, at, out, Files.size(out));
            } catch (NoSuchFileException e) {
                Files.deleteIfExists(tmp);
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /** Returns the newest snapshot file in {@code sm} at or after {@code index}, or null. */
    private static Path latest(Path sm, long index) throws IOException {
        Path best = null;
        long bestIndex = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(sm)) {
            for (Path f : files) {
                Matcher m = SNAPSHOT.matcher(f.getFileName().toString());
                if (m.matches()) {
                    long i = Long.parseLong(m.group(2));
                    if (i >= index && i > bestIndex) {
                        best = f;
                        bestIndex = i;
                    }
                }
            }
        }
        return best;
    }

    /**
     * Seeds a member of a new group in {@code raftDir} ({@code DATA_DIR/raft}, which must hold no Raft log) from
     * {@code backup}; returns the snapshot file it wrote. The member then starts with the new group's peers and
     * holds the backup's jobs; the log goes on from there.
     *
     * @throws IllegalArgumentException for a backup that is not a job store file, or a directory that already holds
     *                                  a member
     */
    public static Path restore(Path backup, Path raftDir) throws IOException {
        if (!Files.isRegularFile(backup)) {
            throw new IllegalArgumentException("backup: " + backup + " is not a file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(backup)) {
            head = in.readNBytes(SQLITE_MAGIC.length);
        }
        if (!Arrays.equals(head, SQLITE_MAGIC)) {
            throw new IllegalArgumentException("backup: " + backup + " is not a job store backup (not an SQLite file)");
        }
        Path groupDir = raftDir.resolve("log").resolve(RaftJobStore.GROUP_ID.getUuid().toString());
        if (Files.exists(raftDir.resolve("log"))) {
            throw new IllegalArgumentException("data dir: " + raftDir.resolve("log") + " exists: a restore seeds a "
                    + "member of a new group in an empty data directory, and never replaces a member's log");
        }
        Files.createDirectories(groupDir);
        RaftStorage storage = RaftStorage.newBuilder().setDirectory(groupDir.toFile())
                .setOption(RaftStorage.StartupOption.FORMAT).setStorageFreeSpaceMin(SizeInBytes.valueOf(0))
                .build();
        try {
            storage.initialize();
        } finally {
            storage.close();
        }
        Path sm = groupDir.resolve("sm");
        Files.createDirectories(sm);
        Path file = sm.resolve("snapshot.0_0");
        Path tmp = sm.resolve("snapshot.0_0.tmp");
        Files.copy(backup, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        return file;
    }
}

package dev.chorus.app;

import dev.chorus.jobs.raft.RaftAdmin;
import dev.chorus.jobs.raft.RaftBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code chorus jobs-raft}: status, membership, backup and restore of the replicated job store's Raft group. */
@Command(name = "jobs-raft", mixinStandardHelpOptions = true,
        description = "Status, membership, backup and restore of the job store's Raft group (jobs.store: raft).",
        subcommands = {JobsRaftCommand.Status.class, JobsRaftCommand.SetMembers.class, JobsRaftCommand.Backup.class,
                JobsRaftCommand.Restore.class})
final class JobsRaftCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    /** {@code chorus jobs-raft status}: each member's role and commit index. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print each member's address, role (leader, follower, candidate), the leader's term, its "
                    + "commit index and the members it knows.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "The group's members, as jobs.raft.peers names them.")
        String peers;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (RaftAdmin admin = RaftAdmin.connect(peers, Duration.ofSeconds(5))) {
                admin.status().forEach(out::println);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("chorus: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return ExitCodes.BAD_INPUT;
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code chorus jobs-raft set-members}: adds, replaces or removes members. */
    @Command(name = "set-members", mixinStandardHelpOptions = true,
            description = {"Change the group's members (add a node, replace one, go from 3 to 5) through Raft's "
                    + "joint consensus.", "Start each new node first with jobs.raft.join: true, its own "
                    + "jobs.raft.id and jobs.raft.peers set to the new members; give the members that stay exactly "
                    + "as the group holds them (see status)."})
    static final class SetMembers implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "The group's current members (some must be reachable).")
        String peers;

        @Option(names = "--members", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "The members after the change: 3 or 5.")
        String members;

        @Option(names = "--timeout", defaultValue = "PT2M", paramLabel = "DURATION",
                description = "How long to wait for the new members to catch up and the change to commit "
                        + "(ISO-8601, default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            RaftAdmin.Change change;
            try (RaftAdmin admin = RaftAdmin.connect(peers, Duration.ofSeconds(10))) {
                change = admin.setMembers(members, timeout);
            } catch (IllegalArgumentException e) {
                err.println("chorus: jobs-raft set-members: " + e.getMessage());
                err.flush();
                return ExitCodes.BAD_INPUT;
            } catch (java.io.IOException e) {
                err.println("chorus: jobs-raft set-members: " + e.getMessage());
                err.flush();
                return ExitCodes.FAILED;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(change.none() ? "members: " + change.members() + " (unchanged)"
                    : "members: " + change.members() + " (added: " + String.join(",", change.added())
                    + "; removed: " + String.join(",", change.removed()) + ")");
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code chorus jobs-raft backup}: a consistent copy of one member's snapshot. */
    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Copy the job store from one member: the member answers a linearizable read, takes a "
                    + "snapshot holding every acknowledged write, and the snapshot (an SQLite file) is copied to "
                    + "--out.", "Run it on that member's machine, with its data directory."})
    static final class Backup implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "The group's members, as jobs.raft.peers names them.")
        String peers;

        @Option(names = "--member", required = true, paramLabel = "ID", description = "The member to copy.")
        String member;

        @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "That member's data.dir.")
        Path dataDir;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The backup file to write "
                + "(never overwritten).")
        Path out;

        @Option(names = "--timeout", defaultValue = "PT30S", paramLabel = "DURATION",
                description = "How long to wait for the member (ISO-8601, default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            RaftBackup.Taken taken;
            try {
                taken = RaftBackup.backup(peers, member, dataDir.resolve("raft"), out, timeout);
            } catch (IllegalArgumentException e) {
                err.println("chorus: jobs-raft backup: " + e.getMessage());
                err.flush();
                return ExitCodes.BAD_INPUT;
            } catch (java.io.IOException e) {
                err.println("chorus: jobs-raft backup: " + e.getMessage());
                err.flush();
                return ExitCodes.FAILED;
            }
            spec.commandLine().getOut().println("backup: " + taken.file() + " from member " + taken.member()
                    + ", up to log index " + taken.index() + ", " + taken.bytes() + " bytes");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code chorus jobs-raft restore}: seeds a member of a new group from a backup. */
    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Seed a member of a NEW group from a backup, in an empty data directory.", "Restore "
                    + "the same backup into every member's data directory, then start them all with the new "
                    + "group's jobs.raft.peers."})
    static final class Restore implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--backup", required = true, paramLabel = "FILE", description = "A file made by backup.")
        Path backup;

        @Option(names = "--data-dir", required = true, paramLabel = "DIR",
                description = "The new member's data.dir (its raft/ must not exist).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            Path file;
            try {
                file = RaftBackup.restore(backup, dataDir.resolve("raft"));
            } catch (IllegalArgumentException e) {
                err.println("chorus: jobs-raft restore: " + e.getMessage());
                err.flush();
                return ExitCodes.BAD_INPUT;
            } catch (java.io.IOException e) {
                err.println("chorus: jobs-raft restore: " + e.getMessage());
                err.flush();
                return ExitCodes.FAILED;
            }
            spec.commandLine().getOut().println("restored: " + backup + " as the first snapshot of a new group in "
                    + file.getParent().getParent());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}

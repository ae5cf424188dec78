package dev.chorus.app;

import dev.chorus.jobs.raft.RaftAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code chorus jobs-raft}: status and membership of the replicated job store's Raft group. */
@Command(name = "jobs-raft", mixinStandardHelpOptions = true,
        description = "Status and membership of the job store's Raft group (jobs.store: raft).",
        subcommands = {JobsRaftCommand.Status.class, JobsRaftCommand.SetMembers.class})
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
                    + "joint consensus.", "Start each new node first with jobs.raft.peers set to the new members."})
    static final class SetMembers implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "The group's current members (some must be reachable).")
        String peers;

        @Option(names = "--members", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "The members after the change: 3 or 5.")
        String members;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            try (RaftAdmin admin = RaftAdmin.connect(peers, Duration.ofSeconds(60))) {
                admin.setMembers(members);
            } catch (IllegalArgumentException e) {
                err.println("chorus: " + e.getMessage());
                err.flush();
                return ExitCodes.BAD_INPUT;
            } catch (java.io.IOException e) {
                err.println("chorus: jobs-raft set-members: " + e.getMessage());
                err.flush();
                return ExitCodes.FAILED;
            }
            spec.commandLine().getOut().println("members: " + members);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}

package dev.chorus.jobs.raft;

import dev.chorus.jobs.Job;
import dev.chorus.jobs.JobStore;

import java.time.Duration;
import java.util.Optional;

/**
 * The store's operations as Raft commands: the first byte names the operation, the arguments follow in
 * {@link Wire} form. {@link #apply} runs one against a node's local copy of the state; every argument (times,
 * leases, the node that claims) comes from the command, so every member computes the same result.
 */
final class JobCommands {

    /** The operations; reads are answered by a query after a read index, writes go through the log. */
    enum Op {
        CREATE(false), GET(true), RUNS(true), LIST(true), COUNT(true), STORED_BYTES(true), CLAIM(false),
        RUN_DONE(false), RENEW(false), SUCCEED(false), FAIL(false), CANCEL(false), DELETE(false), STATS(true),
        CLAIM_WEBHOOKS(false), WEBHOOK_ATTEMPT(false), EXPIRING(true), EXPIRE(false), PURGE_EXPIRED(false);

        final boolean read;

        Op(boolean read) {
            this.read = read;
        }
    }

    /** A reply's first byte: the result follows, or an error message of this kind. */
    static final int OK = 0;
    static final int BAD_ARGUMENT = 1;
    static final int FAILED = 2;

    private JobCommands() {
    }

    /** Starts a command of {@code op}. */
    static Wire.Out command(Op op) {
        return new Wire.Out().u8(op.ordinal());
    }

    /** Returns the operation of a command. */
    static Op op(byte[] command) {
        int i = command.length == 0 ? -1 : command[0] & 0xff;
        if (i < 0 || i >= Op.values().length) {
            throw new IllegalArgumentException("jobs store (raft): unknown command " + i);
        }
        return Op.values()[i];
    }

    /**
     * Runs {@code command} against {@code store}; returns the reply. An error the operation raises (a bad cursor,
     * a constraint) is part of the reply, so it is the same on every member and never stops the state machine.
     */
    static byte[] apply(JobStore store, byte[] command) {
        Wire.In in = new Wire.In(command);
        Op op = Op.values()[in.u8()];
        Wire.Out out = new Wire.Out().u8(OK);
        try {
            switch (op) {
                case CREATE -> {
                    Job job = in.job();
                    String request = in.str();
                    String hash = in.str();
                    JobStore.Created c = store.create(new JobStore.NewJob(job, request, hash, in.runs()));
                    out.job(c.job()).bool(c.existed()).str(c.requestHash());
                }
                case GET -> optional(out, store.get(in.str()));
                case RUNS -> out.runs(store.runs(in.str()));
                case LIST -> {
                    JobStore.Page p = store.list(in.str(), in.str(), in.i32());
                    out.jobs(p.jobs()).str(p.nextCursor());
                }
                case COUNT -> out.i32(store.countJobs(in.str()));
                case STORED_BYTES -> out.i64(store.storedBytes());
                case CLAIM -> {
                    Optional<JobStore.Claim> c = store.claim(in.str(), in.instant(), Duration.ofMillis(in.i64()));
                    out.bool(c.isPresent());
                    c.ifPresent(claim -> out.job(claim.job()).str(claim.request()).runs(claim.runs()));
                }
                case RUN_DONE -> out.bool(store.runDone(in.str(), in.str(), in.i32(), in.i64(), in.i32(),
                        in.instant(), Duration.ofMillis(in.i64())));
                case RENEW -> out.bool(store.renew(in.str(), in.str(), in.instant(), Duration.ofMillis(in.i64())));
                case SUCCEED -> out.bool(store.succeed(in.str(), in.str(), in.i64(), in.instant()));
                case FAIL -> out.bool(store.fail(in.str(), in.str(), in.str(), in.instant()));
                case CANCEL -> optional(out, store.cancel(in.str(), in.instant()));
                case DELETE -> out.bool(store.delete(in.str()));
                case STATS -> {
                    JobStore.Stats s = store.stats();
                    out.i32(s.queued()).i32(s.running()).instant(s.oldestQueued());
                }
                case CLAIM_WEBHOOKS -> out.jobs(store.claimWebhooks(in.instant(), Duration.ofMillis(in.i64()),
                        in.i32()));
                case WEBHOOK_ATTEMPT -> store.webhookAttempt(in.str(), in.str(), in.str(), in.instant());
                case EXPIRING -> out.jobs(store.expiring(in.instant(), in.i32()));
                case EXPIRE -> store.expire(in.str(), in.instant());
                case PURGE_EXPIRED -> out.i32(store.purgeExpired(in.instant()));
                default -> throw new IllegalStateException("unknown operation " + op);
            }
            return out.bytes();
        } catch (IllegalArgumentException e) {
            return new Wire.Out().u8(BAD_ARGUMENT).str(e.getMessage()).bytes();
        } catch (RuntimeException e) {
            return new Wire.Out().u8(FAILED).str(op.name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + e.getMessage()).bytes();
        }
    }

    private static void optional(Wire.Out out, Optional<Job> job) {
        out.bool(job.isPresent());
        job.ifPresent(out::job);
    }

    /** Reads a reply's status; returns the reader of its result or throws its error. */
    static Wire.In result(byte[] reply) {
        Wire.In in = new Wire.In(reply);
        int status = in.u8();
        if (status == OK) {
            return in;
        }
        String message = in.str();
        if (status == BAD_ARGUMENT) {
            throw new IllegalArgumentException(message);
        }
        throw new IllegalStateException("jobs store (raft): " + message);
    }
}

package dev.chorus.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where jobs, their requests and their sentence runs are kept, durably: once {@link #create} returns, the job
 * survives a crash of the process. Nodes share a store and coordinate through it: a node {@link #claim}s a job
 * with a lease that expires, records each finished run under that lease, and a job whose lease expired (its
 * node died or stalled) is claimed again by any node, which resumes after its last recorded run.
 *
 * <p>Implementations are thread-safe.
 */
public interface JobStore extends AutoCloseable {

    /**
     * Opens (creating when missing) the embedded store in {@code file}: SQLite in WAL mode with
     * {@code synchronous=FULL}, so a commit is on disk before it returns.
     */
    static JobStore sqlite(Path file) {
        return SqliteJobStore.open(file);
    }

    /** The error code of a store that cannot answer now (a replicated store that lost its majority). */
    String UNAVAILABLE = "job_store_unavailable";

    /**
     * Tells whether {@code e} says the store cannot answer now: a 503 {@link dev.chorus.service.ApiException} with
     * code {@link #UNAVAILABLE}, thrown by a replicated store that reaches no majority. The caller retries later;
     * the job itself did not fail.
     */
    static boolean unavailable(Throwable e) {
        return e instanceof dev.chorus.service.ApiException a && a.status() == 503 && UNAVAILABLE.equals(a.code());
    }

    /** A job to create: its record, its stored request, a hash of that request, and its planned runs. */
    record NewJob(Job job, String request, String requestHash, List<JobRun> runs) {
        public NewJob {
            runs = List.copyOf(runs);
        }
    }

    /**
     * What {@link #create} did: the job, and whether it already existed under the same tenant and Idempotency-Key
     * (then nothing was created, and {@code requestHash} is the existing job's).
     */
    record Created(Job job, boolean existed, String requestHash) {
    }

    /** One page of a tenant's jobs, newest first, and the cursor of the next page or {@code null}. */
    record Page(List<Job> jobs, String nextCursor) {
    }

    /** A claimed job: its record, its stored request and its runs. */
    record Claim(Job job, String request, List<JobRun> runs) {
    }

    /** Creates a job, or returns the one that holds the same tenant and Idempotency-Key. */
    Created create(NewJob job);

    /** Returns the job {@code id}, whichever tenant owns it. */
    Optional<Job> get(String id);

    /** Returns the runs of job {@code id} in order (empty once it is final). */
    List<JobRun> runs(String id);

    /** Returns a page of at most {@code limit} of {@code tenant}'s jobs after {@code cursor} (null: the first). */
    Page list(String tenant, String cursor, int limit);

    /** Counts {@code tenant}'s stored jobs that have not expired. */
    int countJobs(String tenant);

    /** Returns the audio bytes stored for every job: assembled audio and the runs of active jobs. */
    long storedBytes();

    /**
     * Claims the oldest active job that no live lease holds, for {@code node} until {@code now + lease}; the job
     * becomes running.
     */
    Optional<Claim> claim(String node, Instant now, Duration lease);

    /**
     * Records run {@code index} of job {@code id} as done with {@code samples} samples at {@code sampleRate}, and
     * extends the lease, provided {@code node} still holds it.
     *
     * @return false when the lease was lost (expired and taken, or the job was cancelled): stop working on it
     */
    boolean runDone(String id, String node, int index, long samples, int sampleRate, Instant now, Duration lease);

    /** Extends {@code node}'s lease on {@code id}; false when it no longer holds it. */
    boolean renew(String id, String node, Instant now, Duration lease);

    /** Ends job {@code id} as succeeded with {@code audioBytes} of audio, if {@code node} holds its lease. */
    boolean succeed(String id, String node, long audioBytes, Instant now);

    /** Ends job {@code id} as failed with {@code error}, if {@code node} holds its lease. */
    boolean fail(String id, String node, String error, Instant now);

    /** Cancels job {@code id} if it is active; returns it as it is afterwards. */
    Optional<Job> cancel(String id, Instant now);

    /** Removes job {@code id} and its runs; false when there was none. */
    boolean delete(String id);

    /** How many jobs wait and run, and since when the oldest queued one waits ({@code null}: none). */
    record Stats(int queued, int running, Instant oldestQueued) {
    }

    /** Returns how many jobs wait and run now. */
    Stats stats();

    /**
     * Claims up to {@code limit} jobs whose webhook notification is due by {@code now}, for {@code lease} (so one
     * node of those sharing the store sends each attempt).
     */
    List<Job> claimWebhooks(Instant now, Duration lease, int limit);

    /**
     * Records a notification attempt: {@code state} {@code delivered}, {@code failed} (given up) or
     * {@code pending} (retried at {@code nextAt}), with the attempt's error or {@code null}.
     */
    void webhookAttempt(String id, String state, String error, Instant nextAt);

    /** Returns up to {@code limit} jobs whose time to live ended by {@code now} and that are not yet expired. */
    List<Job> expiring(Instant now, int limit);

    /** Marks job {@code id} expired, dropping its request and runs (its record stays, as a tombstone). */
    void expire(String id, Instant now);

    /** Removes the tombstones of jobs that expired before {@code before}; returns how many. */
    int purgeExpired(Instant before);

    @Override
    void close();
}

package dev.chorus.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The embedded job store: one SQLite file in WAL mode with {@code synchronous=FULL}, so every commit reaches the
 * disk before it returns and a kill -9 loses nothing acknowledged.
 *
 * <p>Design: one connection per store, every method synchronized on it, and every change in one
 * {@code BEGIN IMMEDIATE} transaction, so the write lock is taken up front and a read-then-write (a claim, an
 * idempotent create) cannot interleave with another process's on the same file; {@code busy_timeout} makes a
 * second process wait for the lock rather than fail.
 */
final class SqliteJobStore implements JobStore {

    private static final String COLUMNS = "id, tenant, status, created_ms, expire_ms, format, characters, "
            + "sentences_total, sentences_done, chars_done, samples_done, sample_rate, audio_bytes, error, "
            + "webhook_url, idem_key, finished_ms, webhook_state, webhook_attempts, webhook_error";

    private final Connection db;

    private SqliteJobStore(Connection db) {
        this.db = db;
    }

    static SqliteJobStore open(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            // The message names the setting: the program prints an I/O error's own message.
            throw new UncheckedIOException(new IOException("data.dir: cannot create the directory of the job store "
                    + file + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e));
        }
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, "
                        + "status TEXT NOT NULL, created_ms INTEGER NOT NULL, expire_ms INTEGER NOT NULL, "
                        + "format TEXT NOT NULL, characters INTEGER NOT NULL, sentences_total INTEGER NOT NULL, "
                        + "sentences_done INTEGER NOT NULL DEFAULT 0, chars_done INTEGER NOT NULL DEFAULT 0, "
                        + "samples_done INTEGER NOT NULL DEFAULT 0, sample_rate INTEGER NOT NULL DEFAULT 0, "
                        + "audio_bytes INTEGER NOT NULL DEFAULT 0, error TEXT, webhook_url TEXT, idem_key TEXT, "
                        + "request_hash TEXT, request TEXT, lease_owner TEXT, lease_until_ms INTEGER NOT NULL "
                        + "DEFAULT 0, finished_ms INTEGER, webhook_state TEXT, webhook_attempts INTEGER NOT NULL "
                        + "DEFAULT 0, webhook_next_ms INTEGER NOT NULL DEFAULT 0, webhook_error TEXT, "
                        + "webhook_lease_ms INTEGER NOT NULL DEFAULT 0, UNIQUE (tenant, idem_key))");
                s.execute("CREATE INDEX IF NOT EXISTS jobs_by_tenant ON jobs (tenant, created_ms, id)");
                s.execute("CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_ms)");
                s.execute("CREATE TABLE IF NOT EXISTS runs (job_id TEXT NOT NULL REFERENCES jobs (id) "
                        + "ON DELETE CASCADE, idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, "
                        + "sentences INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, samples INTEGER NOT NULL "
                        + "DEFAULT 0, PRIMARY KEY (job_id, idx))");
            }
            c.setAutoCommit(true);
            return new SqliteJobStore(c);
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("data.dir: cannot open the job store " + file + ": "
                    + e.getMessage(), e));
        }
    }

    /** A unit of work inside one write transaction. */
    private interface Work<T> {
        T run() throws SQLException;
    }

    private synchronized <T> T write(Work<T> work) {
        try {
            try (Statement s = db.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            boolean ok = false;
            try {
                T result = work.run();
                try (Statement s = db.createStatement()) {
                    s.execute("COMMIT");
                }
                ok = true;
                return result;
            } finally {
                if (!ok) {
                    try (Statement s = db.createStatement()) {
                        s.execute("ROLLBACK");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("jobs store: " + e.getMessage(), e);
        }
    }

    private synchronized <T> T read(Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new IllegalStateException("jobs store: " + e.getMessage(), e);
        }
    }

    @Override
    public Created create(NewJob n) {
        Job j = n.job();
        return write(() -> {
            if (j.idempotencyKey() != null) {
                try (PreparedStatement q = db.prepareStatement("SELECT " + COLUMNS
                        + ", request_hash FROM jobs WHERE tenant = ? AND idem_key = ?")) {
                    q.setString(1, j.tenant());
                    q.setString(2, j.idempotencyKey());
                    try (ResultSet r = q.executeQuery()) {
                        if (r.next()) {
                            return new Created(job(r), true, r.getString("request_hash"));
                        }
                    }
                }
            }
            try (PreparedStatement i = db.prepareStatement("INSERT INTO jobs (id, tenant, status, created_ms, "
                    + "expire_ms, format, characters, sentences_total, webhook_url, idem_key, request_hash, request) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                i.setString(1, j.id());
                i.setString(2, j.tenant());
                i.setString(3, j.status().id());
                i.setLong(4, j.createdAt().toEpochMilli());
                i.setLong(5, j.expireAt().toEpochMilli());
                i.setString(6, j.format());
                i.setInt(7, j.characters());
                i.setInt(8, j.sentencesTotal());
                i.setString(9, j.webhookUrl());
                i.setString(10, j.idempotencyKey());
                i.setString(11, n.requestHash());
                i.setString(12, n.request());
                i.executeUpdate();
            }
            try (PreparedStatement i = db.prepareStatement(
                    "INSERT INTO runs (job_id, idx, start, end, sentences) VALUES (?, ?, ?, ?, ?)")) {
                for (JobRun run : n.runs()) {
                    i.setString(1, j.id());
                    i.setInt(2, run.index());
                    i.setInt(3, run.start());
                    i.setInt(4, run.end());
                    i.setInt(5, run.sentences());
                    i.addBatch();
                }
                i.executeBatch();
            }
            return new Created(j, false, n.requestHash());
        });
    }

    @Override
    public Optional<Job> get(String id) {
        return read(() -> find(id));
    }

    private Optional<Job> find(String id) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(job(r)) : Optional.empty();
            }
        }
    }

    @Override
    public List<JobRun> runs(String id) {
        return read(() -> runsOf(id));
    }

    private List<JobRun> runsOf(String id) throws SQLException {
        List<JobRun> runs = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(
                "SELECT idx, start, end, sentences, done, samples FROM runs WHERE job_id = ? ORDER BY idx")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    runs.add(new JobRun(r.getInt(1), r.getInt(2), r.getInt(3), r.getInt(4), r.getInt(5) != 0,
                            r.getLong(6)));
                }
            }
        }
        return runs;
    }

    @Override
    public Page list(String tenant, String cursor, int limit) {
        long afterMs = Long.MAX_VALUE;
        String afterId = "";
        if (cursor != null) {
            String[] c = decodeCursor(cursor);
            afterMs = Long.parseLong(c[0]);
            afterId = c[1];
        }
        long ms = afterMs;
        String aid = afterId;
        return read(() -> {
            List<Job> jobs = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE tenant = ? AND "
                    + "(created_ms < ? OR (created_ms = ? AND id < ?)) ORDER BY created_ms DESC, id DESC LIMIT ?")) {
                q.setString(1, tenant);
                q.setLong(2, ms);
                q.setLong(3, ms);
                q.setString(4, ms == Long.MAX_VALUE ? "\uffff" : aid);
                q.setInt(5, limit + 1);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        jobs.add(job(r));
                    }
                }
            }
            String next = null;
            if (jobs.size() > limit) {
                jobs.removeLast();
                Job last = jobs.getLast();
                next = encodeCursor(last.createdAt().toEpochMilli() + ":" + last.id());
            }
            return new Page(jobs, next);
        });
    }

    private static String encodeCursor(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor this store made; anything else is an {@link IllegalArgumentException}. */
    static String[] decodeCursor(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            Long.parseLong(s.substring(0, colon));
            return new String[] {s.substring(0, colon), s.substring(colon + 1)};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor: '" + cursor
                    + "' (expected: the next_cursor of a previous page)");
        }
    }

    @Override
    public int countJobs(String tenant) {
        return read(() -> {
            try (PreparedStatement q = db.prepareStatement(
                    "SELECT COUNT(*) FROM jobs WHERE tenant = ? AND status <> 'expired'")) {
                q.setString(1, tenant);
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    @Override
    public long storedBytes() {
        return read(() -> {
            try (PreparedStatement q = db.prepareStatement("SELECT COALESCE(SUM(audio_bytes), 0) + COALESCE(SUM("
                    + "CASE WHEN status IN ('queued', 'running') THEN samples_done * 2 ELSE 0 END), 0) FROM jobs")) {
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<Claim> claim(String node, Instant now, Duration lease) {
        long ms = now.toEpochMilli();
        return write(() -> {
            String id;
            try (PreparedStatement q = db.prepareStatement("SELECT id FROM jobs WHERE status IN ('queued', "
                    + "'running') AND lease_until_ms < ? ORDER BY created_ms, id LIMIT 1")) {
                q.setLong(1, ms);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<Claim>empty();
                    }
                    id = r.getString(1);
                }
            }
            try (PreparedStatement u = db.prepareStatement("UPDATE jobs SET status = 'running', lease_owner = ?, "
                    + "lease_until_ms = ? WHERE id = ?")) {
                u.setString(1, node);
                u.setLong(2, ms + lease.toMillis());
                u.setString(3, id);
                u.executeUpdate();
            }
            String request;
            try (PreparedStatement q = db.prepareStatement("SELECT request FROM jobs WHERE id = ?")) {
                q.setString(1, id);
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    request = r.getString(1);
                }
            }
            return Optional.of(new Claim(find(id).orElseThrow(), request, runsOf(id)));
        });
    }

    @Override
    public boolean runDone(String id, String node, int index, long samples, int sampleRate, Instant now,
                           Duration lease) {
        long ms = now.toEpochMilli();
        return write(() -> {
            if (!holds(id, node)) {
                return false;
            }
            int sentences;
            int chars;
            try (PreparedStatement u = db.prepareStatement("UPDATE runs SET done = 1, samples = ? "
                    + "WHERE job_id = ? AND idx = ? AND done = 0 RETURNING sentences, end - start")) {
                u.setLong(1, samples);
                u.setString(2, id);
                u.setInt(3, index);
                try (ResultSet r = u.executeQuery()) {
                    if (!r.next()) {
                        return true; // Already recorded: nothing to add.
                    }
                    sentences = r.getInt(1);
                    chars = r.getInt(2);
                }
            }
            try (PreparedStatement u = db.prepareStatement("UPDATE jobs SET sentences_done = sentences_done + ?, "
                    + "chars_done = chars_done + ?, samples_done = samples_done + ?, sample_rate = ?, "
                    + "lease_until_ms = ? WHERE id = ?")) {
                u.setInt(1, sentences);
                u.setInt(2, chars);
                u.setLong(3, samples);
                u.setInt(4, sampleRate);
                u.setLong(5, ms + lease.toMillis());
                u.setString(6, id);
                u.executeUpdate();
            }
            return true;
        });
    }

    private boolean holds(String id, String node) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(
                "SELECT 1 FROM jobs WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
            q.setString(1, id);
            q.setString(2, node);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    @Override
    public boolean renew(String id, String node, Instant now, Duration lease) {
        return update("UPDATE jobs SET lease_until_ms = ? WHERE id = ? AND status = 'running' AND lease_owner = ?",
                now.toEpochMilli() + lease.toMillis(), id, node) == 1;
    }

    @Override
    public boolean succeed(String id, String node, long audioBytes, Instant now) {
        return update("UPDATE jobs SET status = 'succeeded', audio_bytes = ?, finished_ms = ?, lease_owner = NULL, "
                + "lease_until_ms = 0, " + WEBHOOK_DUE + " WHERE id = ? AND status = 'running' AND lease_owner = ?",
                audioBytes, now.toEpochMilli(), now.toEpochMilli(), id, node) == 1 && dropRuns(id);
    }

    @Override
    public boolean fail(String id, String node, String error, Instant now) {
        return update("UPDATE jobs SET status = 'failed', error = ?, finished_ms = ?, lease_owner = NULL, "
                + "lease_until_ms = 0, " + WEBHOOK_DUE + " WHERE id = ? AND status = 'running' AND lease_owner = ?",
                error, now.toEpochMilli(), now.toEpochMilli(), id, node) == 1 && dropRuns(id);
    }

    /** Makes a job's notification due now (one parameter: now), when it has a webhook. */
    private static final String WEBHOOK_DUE = "webhook_state = CASE WHEN webhook_url IS NULL THEN NULL "
            + "ELSE 'pending' END, webhook_next_ms = ?";

    @Override
    public Stats stats() {
        return read(() -> {
            int queued = 0;
            int running = 0;
            Instant oldest = null;
            try (PreparedStatement q = db.prepareStatement("SELECT status, COUNT(*), MIN(created_ms) FROM jobs "
                    + "WHERE status IN ('queued', 'running') GROUP BY status")) {
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        if (r.getString(1).equals("queued")) {
                            queued = r.getInt(2);
                            oldest = Instant.ofEpochMilli(r.getLong(3));
                        } else {
                            running = r.getInt(2);
                        }
                    }
                }
            }
            return new Stats(queued, running, oldest);
        });
    }

    @Override
    public List<Job> claimWebhooks(Instant now, Duration lease, int limit) {
        long ms = now.toEpochMilli();
        return write(() -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement("SELECT id FROM jobs WHERE webhook_state = 'pending' "
                    + "AND webhook_next_ms <= ? AND webhook_lease_ms < ? ORDER BY webhook_next_ms LIMIT ?")) {
                q.setLong(1, ms);
                q.setLong(2, ms);
                q.setInt(3, limit);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
            }
            List<Job> jobs = new ArrayList<>();
            try (PreparedStatement u = db.prepareStatement("UPDATE jobs SET webhook_lease_ms = ? WHERE id = ?")) {
                for (String id : ids) {
                    u.setLong(1, ms + lease.toMillis());
                    u.setString(2, id);
                    u.executeUpdate();
                    find(id).ifPresent(jobs::add);
                }
            }
            return jobs;
        });
    }

    @Override
    public void webhookAttempt(String id, String state, String error, Instant nextAt) {
        update("UPDATE jobs SET webhook_state = ?, webhook_attempts = webhook_attempts + 1, webhook_error = ?, "
                + "webhook_next_ms = ?, webhook_lease_ms = 0 WHERE id = ?", state, error, nextAt.toEpochMilli(), id);
    }

    private boolean dropRuns(String id) {
        update("DELETE FROM runs WHERE job_id = ?", id);
        return true;
    }

    @Override
    public Optional<Job> cancel(String id, Instant now) {
        return write(() -> {
            try (PreparedStatement u = db.prepareStatement("UPDATE jobs SET status = 'cancelled', finished_ms = ?, "
                    + "lease_owner = NULL, lease_until_ms = 0 WHERE id = ? AND status IN ('queued', 'running')")) {
                u.setLong(1, now.toEpochMilli());
                u.setString(2, id);
                if (u.executeUpdate() == 1) {
                    try (PreparedStatement d = db.prepareStatement("DELETE FROM runs WHERE job_id = ?")) {
                        d.setString(1, id);
                        d.executeUpdate();
                    }
                }
            }
            return find(id);
        });
    }

    @Override
    public boolean delete(String id) {
        return update("DELETE FROM jobs WHERE id = ?", id) == 1;
    }

    @Override
    public List<Job> expiring(Instant now, int limit) {
        return read(() -> {
            List<Job> jobs = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE expire_ms <= ? "
                    + "AND status <> 'expired' ORDER BY expire_ms LIMIT ?")) {
                q.setLong(1, now.toEpochMilli());
                q.setInt(2, limit);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        jobs.add(job(r));
                    }
                }
            }
            return jobs;
        });
    }

    @Override
    public void expire(String id, Instant now) {
        update("UPDATE jobs SET status = 'expired', request = NULL, audio_bytes = 0, lease_owner = NULL, "
                + "lease_until_ms = 0, finished_ms = COALESCE(finished_ms, ?) WHERE id = ?", now.toEpochMilli(), id);
        dropRuns(id);
    }

    @Override
    public int purgeExpired(Instant before) {
        return update("DELETE FROM jobs WHERE status = 'expired' AND expire_ms < ?", before.toEpochMilli());
    }

    private int update(String sql, Object... args) {
        return write(() -> {
            try (PreparedStatement u = db.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    u.setObject(i + 1, args[i]);
                }
                return u.executeUpdate();
            }
        });
    }

    private static Job job(ResultSet r) throws SQLException {
        long finished = r.getLong("finished_ms");
        boolean noFinish = r.wasNull();
        return new Job(r.getString("id"), r.getString("tenant"), JobStatus.of(r.getString("status")),
                Instant.ofEpochMilli(r.getLong("created_ms")), Instant.ofEpochMilli(r.getLong("expire_ms")),
                r.getString("format"), r.getInt("characters"), r.getInt("sentences_total"),
                r.getInt("sentences_done"), r.getInt("chars_done"), r.getLong("samples_done"),
                r.getInt("sample_rate"), r.getLong("audio_bytes"), r.getString("error"), r.getString("webhook_url"),
                r.getString("idem_key"), noFinish ? null : Instant.ofEpochMilli(finished),
                r.getString("webhook_state") == null ? null : new Job.Delivery(r.getString("webhook_state"),
                        r.getInt("webhook_attempts"), r.getString("webhook_error")));
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IllegalStateException("jobs store: " + e.getMessage(), e);
        }
    }
}

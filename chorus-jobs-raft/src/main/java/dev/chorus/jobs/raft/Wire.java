package dev.chorus.jobs.raft;

import dev.chorus.jobs.Job;
import dev.chorus.jobs.JobRun;
import dev.chorus.jobs.JobStatus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte form of the store's commands, results and records in the Raft log and its replies: big-endian
 * primitives, strings as a length and UTF-8 (-1 for null), instants as epoch milliseconds. Every value a command
 * needs, times included, is in its bytes, so that applying it reads no clock and gives the same state everywhere.
 */
final class Wire {

    private Wire() {
    }

    /** Writes values into a growing buffer. */
    static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Out u8(int v) {
            return run(() -> out.writeByte(v));
        }

        Out i32(int v) {
            return run(() -> out.writeInt(v));
        }

        Out i64(long v) {
            return run(() -> out.writeLong(v));
        }

        Out bool(boolean v) {
            return run(() -> out.writeBoolean(v));
        }

        Out str(String s) {
            if (s == null) {
                return i32(-1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            return run(() -> out.write(b));
        }

        Out instant(Instant t) {
            bool(t != null);
            return t == null ? this : i64(t.toEpochMilli());
        }

        Out job(Job j) {
            str(j.id()).str(j.tenant()).str(j.status().id()).instant(j.createdAt()).instant(j.expireAt())
                    .str(j.format()).i32(j.characters()).i32(j.sentencesTotal()).i32(j.sentencesDone())
                    .i32(j.charactersDone()).i64(j.samplesDone()).i32(j.sampleRate()).i64(j.audioBytes())
                    .str(j.error()).str(j.webhookUrl()).str(j.idempotencyKey()).instant(j.finishedAt());
            bool(j.webhook() != null);
            if (j.webhook() != null) {
                str(j.webhook().status()).i32(j.webhook().attempts()).str(j.webhook().lastError());
            }
            return this;
        }

        Out jobs(List<Job> jobs) {
            i32(jobs.size());
            jobs.forEach(this::job);
            return this;
        }

        Out runs(List<JobRun> runs) {
            i32(runs.size());
            for (JobRun r : runs) {
                i32(r.index()).i32(r.start()).i32(r.end()).i32(r.sentences()).bool(r.done()).i64(r.samples());
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private interface IoRun {
            void run() throws IOException;
        }

        private Out run(IoRun r) {
            try {
                r.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    /** Reads what {@link Out} wrote. */
    static final class In {
        private final DataInputStream in;

        In(byte[] bytes) {
            this.in = new DataInputStream(new ByteArrayInputStream(bytes));
        }

        private interface IoGet<T> {
            T get() throws IOException;
        }

        private static <T> T get(IoGet<T> g) {
            try {
                return g.get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int u8() {
            return get(in::readUnsignedByte);
        }

        int i32() {
            return get(in::readInt);
        }

        long i64() {
            return get(in::readLong);
        }

        boolean bool() {
            return get(in::readBoolean);
        }

        String str() {
            int n = i32();
            if (n < 0) {
                return null;
            }
            byte[] b = get(() -> in.readNBytes(n));
            return new String(b, StandardCharsets.UTF_8);
        }

        Instant instant() {
            return bool() ? Instant.ofEpochMilli(i64()) : null;
        }

        Job job() {
            String id = str();
            String tenant = str();
            JobStatus status = JobStatus.of(str());
            Instant created = instant();
            Instant expire = instant();
            String format = str();
            int characters = i32();
            int total = i32();
            int done = i32();
            int charsDone = i32();
            long samples = i64();
            int rate = i32();
            long audioBytes = i64();
            String error = str();
            String webhookUrl = str();
            String key = str();
            Instant finished = instant();
            Job.Delivery d = bool() ? new Job.Delivery(str(), i32(), str()) : null;
            return new Job(id, tenant, status, created, expire, format, characters, total, done, charsDone, samples,
                    rate, audioBytes, error, webhookUrl, key, finished, d);
        }

        List<Job> jobs() {
            int n = i32();
            List<Job> jobs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                jobs.add(job());
            }
            return jobs;
        }

        List<JobRun> runs() {
            int n = i32();
            List<JobRun> runs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                runs.add(new JobRun(i32(), i32(), i32(), i32(), bool(), i64()));
            }
            return runs;
        }
    }
}

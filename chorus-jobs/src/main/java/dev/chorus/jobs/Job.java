package dev.chorus.jobs;

import java.time.Instant;
import java.util.Objects;

/**
 * One job as the store knows it: who owns it, where it stands and how far it got. Immutable; the store hands out
 * a new one for every change.
 *
 * @param id              the job's id (URL-safe, unguessable)
 * @param tenant          the owning tenant, or {@code ""} on an open server
 * @param status          where it stands
 * @param createdAt       when it was accepted
 * @param expireAt        when it and its audio are deleted
 * @param format          the requested audio format's id ({@code wav}, {@code mp3}, ...)
 * @param characters      the input's length in characters
 * @param sentencesTotal  the sentences the input was split into
 * @param sentencesDone   the sentences whose audio is stored
 * @param charactersDone  the input characters whose audio is stored
 * @param samplesDone     the audio samples stored so far
 * @param sampleRate      the output rate in Hz, 0 until the first run is made
 * @param audioBytes      the assembled audio's size in bytes, 0 until it succeeded
 * @param error           why it failed, or {@code null}
 * @param webhookUrl      where completion is announced, or {@code null}
 * @param idempotencyKey  the client's Idempotency-Key, or {@code null}
 * @param finishedAt      when it reached a final status, or {@code null}
 * @param webhook         how its notification went, or {@code null} without a webhook or before it finished
 */
public record Job(String id, String tenant, JobStatus status, Instant createdAt, Instant expireAt, String format,
                  int characters, int sentencesTotal, int sentencesDone, int charactersDone, long samplesDone,
                  int sampleRate, long audioBytes, String error, String webhookUrl, String idempotencyKey,
                  Instant finishedAt, Delivery webhook) {

    /**
     * How a job's webhook notification went.
     *
     * @param status    {@code pending} (to be sent or retried), {@code delivered} or {@code failed} (gave up)
     * @param attempts  how many times it was sent
     * @param lastError why the last attempt failed, or {@code null}
     */
    public record Delivery(String status, int attempts, String lastError) {
    }

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expireAt, "expireAt");
        Objects.requireNonNull(format, "format");
    }

    /** Returns the seconds of audio made so far. */
    public double audioSeconds() {
        return sampleRate == 0 ? 0 : (double) samplesDone / sampleRate;
    }
}

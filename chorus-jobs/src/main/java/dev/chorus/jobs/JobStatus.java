package dev.chorus.jobs;

import java.util.Locale;

/** Where a job stands. {@link #QUEUED} and {@link #RUNNING} are active; the others are final. */
public enum JobStatus {
    /** Accepted, no run made yet (or every claim on it expired before a run finished). */
    QUEUED,
    /** A node holds its lease and makes its sentence runs. */
    RUNNING,
    /** Every run is made and the audio is assembled. */
    SUCCEEDED,
    /** A run could not be made; the job's error says why. */
    FAILED,
    /** Cancelled by its tenant before it finished. */
    CANCELLED,
    /** Past its time to live: its audio is deleted. */
    EXPIRED;

    /** Returns the lower-case name used in the API and the store. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Tells whether the job may still change by itself (queued or running). */
    public boolean active() {
        return this == QUEUED || this == RUNNING;
    }

    /** Returns the status named {@code id}, as {@link #id()} writes it. */
    public static JobStatus of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}

package dev.chorus.jobs;

/**
 * One sentence run of a job: whole sentences of the input synthesized as one normal-sized request.
 *
 * @param index     the run's place in the job, from 0
 * @param start     offset of its first character in the input
 * @param end       offset just past its last character
 * @param sentences how many sentences it holds
 * @param done      whether its audio is stored
 * @param samples   its audio's length in samples, once done
 */
public record JobRun(int index, int start, int end, int sentences, boolean done, long samples) {

    public JobRun {
        if (index < 0 || start < 0 || end < start || sentences < 1) {
            throw new IllegalArgumentException("run " + index + ": [" + start + ", " + end + ") with " + sentences
                    + " sentences (expected: index >= 0, 0 <= start <= end, sentences >= 1)");
        }
    }

    /** Returns the run as not yet made. */
    public static JobRun planned(int index, int start, int end, int sentences) {
        return new JobRun(index, start, end, sentences, false, 0);
    }
}

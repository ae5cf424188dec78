package dev.chorus.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One admitted request on an engine: its priority and the characters of its text not yet synthesized, which is
 * the work it still puts ahead of later requests. Returned by {@link SynthesisScheduler#admit} and given back
 * with {@link SynthesisScheduler#release(Admission)} exactly once.
 */
final class Admission {

    final String engineId;
    final int priority;
    final AtomicLong remainingChars;
    /** Whether this request holds one of its engine's slots (it gives it back while it waits for its client). */
    volatile boolean holdsSlot = true;

    Admission(String engineId, int priority, long chars) {
        this.engineId = engineId;
        this.priority = priority;
        this.remainingChars = new AtomicLong(chars);
    }

    /** Marks {@code chars} characters as synthesized (or abandoned). */
    void done(int chars) {
        remainingChars.addAndGet(-chars);
    }
}

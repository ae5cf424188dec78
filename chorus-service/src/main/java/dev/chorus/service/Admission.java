package dev.chorus.service;

import dev.chorus.tts.VoiceInfo;

/**
 * Whether a caller may have a synthesis: the voices it may use and the limits its requests count against (a
 * tenant gate, in a server with tenants). Refusals are {@link ApiException}s (403, 413, 429 with Retry-After).
 */
public interface Admission {

    /** Admits everyone: an open server. */
    Admission OPEN = new Admission() {
        @Override
        public void checkVoice(Caller caller, String asked, VoiceInfo voice) {
        }

        @Override
        public void charge(Caller caller, long characters) {
        }

        @Override
        public boolean mayBlock() {
            return false;
        }
    };

    /**
     * Checks that {@code caller} may use {@code voice} (asked for as {@code asked}, which may be an alias).
     *
     * @throws ApiException 403 when it may not
     */
    void checkVoice(Caller caller, String asked, VoiceInfo voice);

    /**
     * Takes one request of {@code characters} input characters from the caller's limits; called once per request,
     * after every voice it reaches was checked.
     *
     * @throws ApiException 429 (with Retry-After) when a limit is reached, 413 when the request alone exceeds one
     */
    void charge(Caller caller, long characters);

    /**
     * Tells whether {@link #checkVoice} or {@link #charge} may wait on something outside this process's memory (a
     * shared limit store, a file written per charge). A request whose every stage is free of such waits may be
     * answered on the thread it arrived on (a cache hit); the default, {@code true}, always takes a thread that
     * may block.
     */
    default boolean mayBlock() {
        return true;
    }
}

package dev.chorus.service.cache;

import dev.chorus.service.AudioOutput;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

import java.util.List;

/**
 * A finished synthesis as the calls its {@link AudioOutput} received: start, warnings, encoded audio, timings and
 * the end. Replaying it to any output (a raw body, SSE, speech marks, a gRPC stream) gives that output what a live
 * synthesis would have, so a cache hit streams in the request's own framing. Immutable; the byte arrays are shared
 * by every replay and never written to.
 *
 * @param calls the calls in order, the last one a {@link Call.Complete}
 * @param bytes the encoded bytes held (audio and tail)
 */
record CachedAudio(List<Call> calls, long bytes) {

    CachedAudio {
        calls = List.copyOf(calls);
    }

    /** Sends every call to {@code out}, in order; stops at the first call {@code out} throws from. */
    void replay(AudioOutput out) {
        out.knownLength(bytes);
        for (Call c : calls) {
            c.sendTo(out);
        }
    }

    /** One call an {@link AudioOutput} received. */
    sealed interface Call {

        /** Repeats the call on {@code out}. */
        void sendTo(AudioOutput out);

        /** Returns the encoded bytes the call carries. */
        default long bytes() {
            return 0;
        }

        record Start(VoiceInfo voice, int sampleRate) implements Call {
            @Override
            public void sendTo(AudioOutput out) {
                out.start(voice, sampleRate);
            }
        }

        record Warning(String text) implements Call {
            @Override
            public void sendTo(AudioOutput out) {
                out.warning(text);
            }
        }

        record Audio(byte[] data, long firstSample) implements Call {
            @Override
            public void sendTo(AudioOutput out) {
                out.audio(data, firstSample);
            }

            @Override
            public long bytes() {
                return data.length;
            }
        }

        record Event(Timing timing) implements Call {
            @Override
            public void sendTo(AudioOutput out) {
                out.event(timing);
            }
        }

        record Complete(byte[] tail, SynthesisSummary summary) implements Call {
            @Override
            public void sendTo(AudioOutput out) {
                out.complete(tail, summary);
            }

            @Override
            public long bytes() {
                return tail.length;
            }
        }

        record Error(ChorusException error) implements Call {
            @Override
            public void sendTo(AudioOutput out) {
                out.error(error);
            }
        }
    }
}

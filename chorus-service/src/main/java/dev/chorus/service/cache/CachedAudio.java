package dev.chorus.service.cache;

import dev.chorus.service.AudioOutput;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A finished synthesis as the calls its {@link AudioOutput} received: start, warnings, encoded audio, timings and
 * the end. Replaying it to any output (a raw body, SSE, speech marks, a gRPC stream) gives that output what a live
 * synthesis would have, so a cache hit streams in the request's own framing. Immutable; the byte arrays are shared
 * by every replay and never written to. Its encoded bytes are also kept once more, joined, in a direct buffer, so
 * an output that sends them as they are (a raw HTTP body) writes them without a copy per request.
 *
 * @param calls the calls in order, the last one a {@link Call.Complete}
 * @param bytes the encoded bytes held (audio and tail)
 * @param body  the same bytes joined, in a read-only direct buffer
 */
record CachedAudio(List<Call> calls, long bytes, ByteBuffer body) {

    CachedAudio {
        calls = List.copyOf(calls);
    }

    /** Records {@code calls}, joining their {@code bytes} encoded bytes into the direct body. */
    CachedAudio(List<Call> calls, long bytes) {
        this(calls, bytes, join(calls, bytes));
    }

    private static ByteBuffer join(List<Call> calls, long bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(bytes));
        for (Call c : calls) {
            switch (c) {
                case Call.Audio a -> b.put(a.data());
                case Call.Complete done -> b.put(done.tail());
                default -> {
                    // Only encoded bytes go into the body.
                }
            }
        }
        return b.flip().asReadOnlyBuffer();
    }

    /** Sends every call to {@code out}, in order; stops at the first call {@code out} throws from. */
    void replay(AudioOutput out) {
        out.knownLength(bytes);
        if (out.takesWholeBody() && calls.getLast() instanceof Call.Complete done) {
            for (Call c : calls) {
                if (!(c instanceof Call.Audio) && !(c instanceof Call.Complete)) {
                    c.sendTo(out);
                }
            }
            out.whole(body.duplicate(), done.summary());
            return;
        }
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

package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The {@code espeak_SetSynthCallback} target of one library copy. In synchronous mode eSpeak calls it on the
 * thread inside {@code espeak_Synth}, once per buffer of about 60 ms, with the samples and the events that fall
 * in them. It hands both to the current sink: events first, so a word's event arrives before its audio.
 *
 * <p>It never lets an exception reach native code: a failure is recorded, synthesis is aborted, and the caller
 * rethrows it. After the sink says STOP it aborts and never calls the sink again.
 */
final class SynthCallback {

    /** eSpeak allows about 32 events per buffer; the bound only guards against a missing terminator. */
    private static final int MAX_EVENTS = 4096;
    private static final int CONTINUE = 0;
    private static final int ABORT = 1;

    private static final MethodHandle ON_SYNTH;

    static {
        try {
            ON_SYNTH = MethodHandles.lookup().findVirtual(SynthCallback.class, "onSynth",
                    MethodType.methodType(int.class, MemorySegment.class, int.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private short[] buffer = new short[2048];
    private AudioSink sink;
    private SpeakableText text;
    private boolean stopped;
    private Throwable failure;

    /** Returns a native function pointer to this callback, valid while {@code arena} is open. */
    @SuppressWarnings("restricted")
    MemorySegment stub(Arena arena) {
        return Linker.nativeLinker().upcallStub(ON_SYNTH.bindTo(this), NativeApi.SYNTH_CALLBACK, arena);
    }

    /** Starts routing audio and events to {@code target}; {@code null} discards them (warm-up runs). */
    void begin(AudioSink target, SpeakableText spoken) {
        this.sink = target;
        this.text = spoken;
        this.stopped = false;
        this.failure = null;
    }

    /** Stops routing and returns whether the sink asked to stop. */
    boolean end() {
        sink = null;
        text = null;
        return stopped;
    }

    /** Returns what went wrong inside the last callback run, or {@code null}. */
    Throwable failure() {
        return failure;
    }

    @SuppressWarnings("restricted")
    private int onSynth(MemorySegment wav, int numSamples, MemorySegment events) {
        try {
            if (stopped) {
                return ABORT;
            }
            if (sink == null) {
                return CONTINUE;
            }
            if (events.address() != 0 && deliverEvents(events.reinterpret(NativeApi.EVENT.byteSize() * MAX_EVENTS))) {
                return ABORT;
            }
            if (wav.address() != 0 && numSamples > 0) {
                if (buffer.length < numSamples) {
                    buffer = new short[Math.max(numSamples, buffer.length * 2)];
                }
                MemorySegment.copy(wav.reinterpret(2L * numSamples), JAVA_SHORT, 0, buffer, 0, numSamples);
                if (sink.onAudio(buffer, 0, numSamples) == AudioSink.Action.STOP) {
                    stopped = true;
                    return ABORT;
                }
            }
            return CONTINUE;
        } catch (Throwable t) {
            failure = t;
            stopped = true;
            return ABORT;
        }
    }

    /** Delivers word and sentence events; returns whether the sink asked to stop. */
    private boolean deliverEvents(MemorySegment events) {
        long size = NativeApi.EVENT.byteSize();
        for (int i = 0; i < MAX_EVENTS; i++) {
            long at = i * size;
            int type = (int) NativeApi.EVENT_TYPE.get(events, at);
            if (type == NativeApi.EVENT_LIST_TERMINATED) {
                return false;
            }
            SynthesisEvent event = toEvent(type, (int) NativeApi.EVENT_TEXT_POSITION.get(events, at),
                    (int) NativeApi.EVENT_LENGTH.get(events, at), (int) NativeApi.EVENT_SAMPLE.get(events, at));
            if (event != null && sink.onEvent(event) == AudioSink.Action.STOP) {
                stopped = true;
                return true;
            }
        }
        return false;
    }

    /**
     * Translates one eSpeak event into offsets in the caller's text. Its text position counts code points of the
     * speakable text from 1; words whose range is empty or only whitespace (eSpeak reports a few while spelling
     * out symbols) are dropped.
     */
    private SynthesisEvent toEvent(int type, int textPosition, int length, int sample) {
        int cp = textPosition - 1;
        if (cp < 0 || cp >= text.codePoints() || sample < 0) {
            return null;
        }
        int start = text.start(cp);
        if (type == NativeApi.EVENT_SENTENCE) {
            return new SynthesisEvent.Sentence(start, sample);
        }
        if (type != NativeApi.EVENT_WORD || length <= 0) {
            return null;
        }
        int end = text.end(cp + length);
        if (end <= start || text.original().substring(start, end).isBlank()) {
            return null;
        }
        return new SynthesisEvent.Word(start, end - start, sample);
    }
}

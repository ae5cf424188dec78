package dev.chorus.runtime;

import dev.chorus.tts.ChorusException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Keeps everything a synthesis delivers, and checks that callbacks never overlap. */
final class RecordingListener implements SynthesisListener {
    final List<Short> samples = new ArrayList<>();
    final List<Timing> events = new ArrayList<>();
    final List<Integer> chunksDone = new ArrayList<>();
    final CountDownLatch firstAudio = new CountDownLatch(1);
    volatile ChorusException error;
    volatile SynthesisSummary summary;
    volatile boolean overlapped;
    private volatile boolean inside;

    @Override
    public void onAudio(short[] s, int offset, int length) {
        enter();
        for (int i = offset; i < offset + length; i++) {
            samples.add(s[i]);
        }
        firstAudio.countDown();
        inside = false;
    }

    @Override
    public void onTiming(Timing event) {
        enter();
        events.add(event);
        inside = false;
    }

    @Override
    public void onChunkDone(int index, int chunks) {
        chunksDone.add(index);
    }

    @Override
    public void onComplete(SynthesisSummary s) {
        summary = s;
    }

    @Override
    public void onError(ChorusException e) {
        error = e;
    }

    private void enter() {
        if (inside) {
            overlapped = true;
        }
        inside = true;
    }

    /** Returns the timings of one kind, in order. */
    List<Timing> timings(Timing.Kind kind) {
        return events.stream().filter(t -> t.kind() == kind).toList();
    }

    /** Returns the distinct constant levels of the audio in order, collapsing runs. */
    List<Integer> levels() {
        List<Integer> out = new ArrayList<>();
        for (short s : samples) {
            if (out.isEmpty() || out.getLast() != s) {
                out.add((int) s);
            }
        }
        return out;
    }
}

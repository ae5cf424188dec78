package dev.chorus.service.safety;

import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.safety.MaskSound;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Masks words of the input in the audio, before encoding: the samples from a masked word's start to the start of
 * the next unmasked word (or the end of its sentence chunk) become silence or a quiet 1 kHz beep. The audio keeps
 * its length, and everything outside the masked runs is passed through untouched.
 *
 * <p>Design: word timings carry sample positions in the output, but an engine may report a word before or after
 * its audio (estimated timings come after the whole chunk). So this listener holds back a chunk's audio until
 * the runtime reports the chunk done, when every timing of that chunk has arrived, then applies the masked runs
 * and passes the audio on. A request with masks therefore streams sentence by sentence rather than within a
 * sentence; held audio never exceeds {@link #MAX_HELD_SECONDS} (beyond that it is released with the runs known so
 * far). Timings of masked words, and the masked parts of sentence timings, are passed on with their text
 * replaced by asterisks. Callbacks come one at a time
 * (see {@link SynthesisListener}), so there is no locking.
 */
final class MaskingListener implements SynthesisListener {

    /** The most audio held back at once, in seconds. */
    static final int MAX_HELD_SECONDS = 30;

    /** Beep level: about -20 dBFS, audible but well below speech. */
    private static final double BEEP_AMPLITUDE = 0.1 * Short.MAX_VALUE;
    private static final double BEEP_HZ = 1000;
    /** Fade in and out of a beep, in milliseconds, so it starts and stops without a click. */
    private static final int FADE_MILLIS = 3;

    private final SynthesisListener delegate;
    private final String input;
    private final List<int[]> spans;
    private final MaskSound sound;
    private final List<long[]> runs = new ArrayList<>();
    private int rate;
    private long openStart = -1;
    private short[] held = new short[8192];
    private int heldLength;
    private long heldStart;

    /** Wraps {@code delegate}; {@code spans} are the {@code [start, end)} ranges of {@code input} to mask. */
    MaskingListener(SynthesisListener delegate, String input, List<int[]> spans, MaskSound sound) {
        this.delegate = delegate;
        this.input = input;
        this.spans = List.copyOf(spans);
        this.sound = sound;
    }

    @Override
    public void onWarning(String warning) {
        delegate.onWarning(warning);
    }

    @Override
    public void onStart(VoiceInfo voice, int sampleRate, int chunks) {
        this.rate = sampleRate;
        delegate.onStart(voice, sampleRate, chunks);
    }

    @Override
    public void onAudio(short[] samples, int offset, int length) {
        if (heldLength + length > held.length) {
            held = Arrays.copyOf(held, Math.max(held.length * 2, heldLength + length));
        }
        System.arraycopy(samples, offset, held, heldLength, length);
        heldLength += length;
        if (heldLength > (long) MAX_HELD_SECONDS * rate) {
            release(true);
        }
    }

    @Override
    public void onTiming(Timing t) {
        switch (t.kind()) {
            case WORD -> {
                if (masked(t)) {
                    if (openStart < 0) {
                        openStart = t.sampleOffset();
                    }
                    delegate.onTiming(new Timing(t.kind(), "*".repeat(t.text().length()), t.sourceStart(),
                            t.sourceEnd(), t.sampleOffset(), t.timeMillis(), t.estimated()));
                    return;
                }
                close(t.sampleOffset());
            }
            case SENTENCE -> {
                close(t.sampleOffset());
                delegate.onTiming(new Timing(t.kind(), redact(t), t.sourceStart(), t.sourceEnd(), t.sampleOffset(),
                        t.timeMillis(), t.estimated()));
                return;
            }
            case MARK -> {
                // A mark inside a masked run neither starts nor ends it.
            }
        }
        delegate.onTiming(t);
    }

    /**
     * Returns a sentence's text with its masked parts as asterisks: by position when the text is its source as
     * written, else by finding each masked piece of the input in it (normalization may have rewritten the rest).
     */
    private String redact(Timing t) {
        char[] text = t.text().toCharArray();
        boolean verbatim = input != null && t.sourceEnd() - t.sourceStart() == text.length
                && input.regionMatches(t.sourceStart(), t.text(), 0, text.length);
        for (int[] s : spans) {
            if (s[0] >= t.sourceEnd() || s[1] <= t.sourceStart()) {
                continue;
            }
            if (verbatim) {
                for (int i = Math.max(s[0], t.sourceStart()); i < Math.min(s[1], t.sourceEnd()); i++) {
                    text[i - t.sourceStart()] = '*';
                }
            } else if (input != null) {
                String piece = input.substring(s[0], s[1]).toLowerCase(java.util.Locale.ROOT);
                String lower = new String(text).toLowerCase(java.util.Locale.ROOT);
                for (int at = lower.indexOf(piece); at >= 0 && !piece.isEmpty(); at = lower.indexOf(piece, at + 1)) {
                    if (lower.length() == text.length) {
                        Arrays.fill(text, at, at + piece.length(), '*');
                    }
                }
            }
        }
        return new String(text);
    }

    @Override
    public void onChunkDone(int index, int chunks) {
        // Every timing of this chunk has arrived: a run still open ends with the chunk's audio.
        close(heldStart + heldLength);
        release(false);
        delegate.onChunkDone(index, chunks);
    }

    @Override
    public void onComplete(SynthesisSummary summary) {
        close(heldStart + heldLength);
        release(false);
        delegate.onComplete(summary);
    }

    @Override
    public void onError(ChorusException error) {
        heldLength = 0;
        delegate.onError(error);
    }

    @Override
    public boolean ready() {
        return delegate.ready();
    }

    @Override
    public void whenReady(Runnable resume) {
        delegate.whenReady(resume);
    }

    private boolean masked(Timing t) {
        for (int[] s : spans) {
            if (t.sourceStart() < s[1] && s[0] < Math.max(t.sourceEnd(), t.sourceStart() + 1)) {
                return true;
            }
        }
        return false;
    }

    private void close(long at) {
        if (openStart >= 0) {
            if (at > openStart) {
                runs.add(new long[] {openStart, at});
            }
            openStart = -1;
        }
    }

    /** Masks the held audio with the runs known so far and passes it on; {@code early}: the hold limit was hit. */
    private void release(boolean early) {
        long end = heldStart + heldLength;
        List<long[]> apply = new ArrayList<>(runs);
        if (early && openStart >= 0) {
            // Still inside a masked run: mask up to here (no fade out) and keep it open.
            apply.add(new long[] {openStart, Long.MAX_VALUE / 4});
        }
        for (long[] r : apply) {
            long from = Math.max(r[0], heldStart);
            long to = Math.min(r[1], end);
            for (long i = from; i < to; i++) {
                held[(int) (i - heldStart)] = sample(i - r[0], r[1] - r[0]);
            }
        }
        runs.removeIf(r -> r[1] <= end);
        if (heldLength > 0) {
            delegate.onAudio(held, 0, heldLength);
        }
        heldStart = end;
        heldLength = 0;
    }

    /** Returns the mask's sample {@code i} of a run {@code length} samples long. */
    private short sample(long i, long length) {
        if (sound == MaskSound.SILENCE) {
            return 0;
        }
        long fade = (long) FADE_MILLIS * rate / 1000;
        double gain = Math.min(1.0, Math.min(i, length - 1 - i) / (double) Math.max(1, fade));
        return (short) Math.round(BEEP_AMPLITUDE * gain * Math.sin(2 * Math.PI * BEEP_HZ * i / rate));
    }
}

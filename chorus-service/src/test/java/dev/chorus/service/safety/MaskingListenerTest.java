package dev.chorus.service.safety;

import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.safety.MaskSound;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The PCM masking on its own: timings before or after their audio, runs that end with the chunk, the beep. */
class MaskingListenerTest {

    private static final int RATE = 8000;

    /** Records what reaches the encoder. */
    private static final class Recorder implements SynthesisListener {
        short[] audio = new short[0];
        final List<Timing> timings = new ArrayList<>();

        @Override
        public void onAudio(short[] samples, int offset, int length) {
            int n = audio.length;
            audio = Arrays.copyOf(audio, n + length);
            System.arraycopy(samples, offset, audio, n, length);
        }

        @Override
        public void onTiming(Timing timing) {
            timings.add(timing);
        }
    }

    private static Timing word(String text, int start, long sample) {
        return new Timing(Timing.Kind.WORD, text, start, start + text.length(), sample, sample * 1000 / RATE, false);
    }

    private static short[] tone(int n) {
        short[] s = new short[n];
        Arrays.fill(s, (short) 5000);
        return s;
    }

    // Input "one bad two": "bad" (offsets 4..7) is masked.
    private static MaskingListener masking(Recorder r, MaskSound sound) {
        MaskingListener m = new MaskingListener(r, "one bad two", List.of(new int[] {4, 7}), sound);
        m.onStart(null, RATE, 1);
        return m;
    }

    @Test
    void timingsAfterTheirAudio() {
        Recorder r = new Recorder();
        MaskingListener m = masking(r, MaskSound.SILENCE);
        m.onTiming(new Timing(Timing.Kind.SENTENCE, "one bad two", 0, 11, 0, 0, false));
        m.onAudio(tone(3000), 0, 3000);
        assertThat(r.audio).as("held until the chunk is done").isEmpty();
        m.onTiming(word("one", 0, 0));
        m.onTiming(word("bad", 4, 1000));
        m.onTiming(word("two", 8, 2000));
        m.onChunkDone(0, 1);
        assertThat(r.audio).hasSize(3000);
        assertThat(Arrays.copyOfRange(r.audio, 1000, 2000)).containsOnly((short) 0);
        assertThat(Arrays.copyOfRange(r.audio, 0, 1000)).containsOnly((short) 5000);
        assertThat(Arrays.copyOfRange(r.audio, 2000, 3000)).containsOnly((short) 5000);
        assertThat(r.timings).extracting(Timing::text).containsExactly("one *** two", "one", "***", "two");
    }

    @Test
    void timingsBeforeTheirAudioAndARunThatEndsWithTheChunk() {
        Recorder r = new Recorder();
        MaskingListener m = masking(r, MaskSound.SILENCE);
        m.onTiming(word("one", 0, 0));
        m.onAudio(tone(1000), 0, 1000);
        m.onTiming(word("bad", 4, 1000));
        m.onAudio(tone(1500), 0, 1500);
        m.onChunkDone(0, 2); // "bad" was the chunk's last word: masked to the chunk's end
        m.onTiming(new Timing(Timing.Kind.SENTENCE, "two", 8, 11, 2500, 312, false));
        m.onTiming(word("two", 8, 2500));
        m.onAudio(tone(500), 0, 500);
        m.onComplete(new SynthesisSummary("v", RATE, 3000, 11, 2, Duration.ZERO, Duration.ZERO));
        assertThat(r.audio).hasSize(3000);
        assertThat(Arrays.copyOfRange(r.audio, 1000, 2500)).containsOnly((short) 0);
        assertThat(Arrays.copyOfRange(r.audio, 2500, 3000)).containsOnly((short) 5000);
    }

    @Test
    void beepIsAQuietThousandHertzTone() {
        Recorder r = new Recorder();
        MaskingListener m = masking(r, MaskSound.BEEP);
        m.onTiming(word("bad", 4, 0));
        m.onAudio(tone(RATE), 0, RATE);
        m.onChunkDone(0, 1);
        short[] beep = r.audio;
        int crossings = 0;
        int peak = 0;
        for (int i = 1; i < beep.length; i++) {
            if ((beep[i - 1] < 0) != (beep[i] < 0)) {
                crossings++;
            }
            peak = Math.max(peak, Math.abs(beep[i]));
        }
        assertThat(crossings).as("two sign changes per cycle, one second").isBetween(1900, 2100);
        assertThat(peak).isBetween(2000, 5000);
    }
}

package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.SynthesisOptions;

/**
 * Maps a speed multiplier to eSpeak's rate in words per minute: 1.0 is eSpeak's normal 175 wpm.
 *
 * <p>At the extremes (measured with eSpeak NG 1.51, en-us, "The quick brown fox jumps over the lazy dog."):
 * eSpeak does not go below 80 wpm, so every speed under 80/175 ≈ 0.46 sounds like 0.46 (speed 0.25 gives 5.3 s,
 * twice the 2.6 s of speed 1.0, not four times). From 450 wpm (speed ≈ 2.57) eSpeak speeds its output up with
 * libsonic instead of shortening phonemes, which keeps it intelligible; speed 4.0 (700 wpm) gives 0.70 s.
 */
final class SpeakingRate {

    /** eSpeak's lowest rate; it raises anything lower to this. */
    static final int MINIMUM_WPM = NativeApi.RATE_MINIMUM;
    /** The rate of {@link SynthesisOptions#MAX_SPEED}, within what eSpeak accepts. */
    static final int MAXIMUM_WPM = (int) Math.round(NativeApi.RATE_NORMAL * SynthesisOptions.MAX_SPEED);

    private SpeakingRate() {
    }

    /** Returns the rate in words per minute for {@code speed}, clamped to eSpeak's range. */
    static int wordsPerMinute(double speed) {
        return Math.clamp(Math.round(NativeApi.RATE_NORMAL * speed), MINIMUM_WPM, MAXIMUM_WPM);
    }
}

package dev.chorus.tts;

/**
 * Per-request controls applied while synthesizing.
 *
 * <p>{@code speed} goes to the engine's own rate control. {@code pitch} and {@code volume} are applied by the
 * runtime to the engine's audio (a pitch shift that keeps duration, and a gain that clips safely), so they work
 * the same on every engine.
 *
 * @param speed    speaking rate multiplier, {@value #MIN_SPEED} to {@value #MAX_SPEED}; 1.0 is the voice's own rate
 * @param language BCP-47 tag overriding the voice's language for text processing, or {@code null} (a blank tag is
 *                 {@code null}; surrounding spaces are dropped)
 * @param pitch    pitch change in semitones, {@value #MIN_PITCH} to {@value #MAX_PITCH}; 0 keeps the voice's pitch
 * @param volume   gain in dB, {@value #MIN_VOLUME} to {@value #MAX_VOLUME}; 0 keeps the voice's loudness
 */
public record SynthesisOptions(double speed, String language, double pitch, double volume) {

    /** Slowest supported speed multiplier. */
    public static final double MIN_SPEED = 0.25;
    /** Fastest supported speed multiplier. */
    public static final double MAX_SPEED = 4.0;
    /** Lowest pitch change, in semitones. */
    public static final double MIN_PITCH = -12;
    /** Highest pitch change, in semitones. */
    public static final double MAX_PITCH = 12;
    /** Lowest gain, in dB. */
    public static final double MIN_VOLUME = -60;
    /** Highest gain, in dB. */
    public static final double MAX_VOLUME = 20;

    private static final SynthesisOptions DEFAULTS = new SynthesisOptions(1.0, null);

    public SynthesisOptions {
        // A blank language is no language, in one process as across the cluster's wire (which has no null).
        language = language == null || language.isBlank() ? null : language.strip();
        check("speed", speed, MIN_SPEED, MAX_SPEED);
        check("pitch", pitch, MIN_PITCH, MAX_PITCH);
        check("volume", volume, MIN_VOLUME, MAX_VOLUME);
    }

    /** Options with the given speed and language, and the voice's own pitch and volume. */
    public SynthesisOptions(double speed, String language) {
        this(speed, language, 0, 0);
    }

    private static void check(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new InvalidInputException(name, name + ": " + value + " (expected: " + min + " to " + max + ")");
        }
    }

    /** Returns options with every control at the voice's default. */
    public static SynthesisOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a copy with the given speed. */
    public SynthesisOptions withSpeed(double newSpeed) {
        return new SynthesisOptions(newSpeed, language, pitch, volume);
    }

    /** Returns a copy with the given pitch change in semitones. */
    public SynthesisOptions withPitch(double semitones) {
        return new SynthesisOptions(speed, language, semitones, volume);
    }

    /** Returns a copy with the given gain in dB. */
    public SynthesisOptions withVolume(double db) {
        return new SynthesisOptions(speed, language, pitch, db);
    }

    /** Returns whether the runtime has to change the engine's audio (pitch or volume). */
    public boolean altersAudio() {
        return pitch != 0 || volume != 0;
    }
}

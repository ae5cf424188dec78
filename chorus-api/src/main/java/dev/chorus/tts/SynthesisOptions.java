package dev.chorus.tts;

/**
 * Per-request controls an engine applies while it synthesizes.
 *
 * @param speed    speaking rate multiplier, {@value #MIN_SPEED} to {@value #MAX_SPEED}; 1.0 is the voice's own rate
 * @param language BCP-47 tag overriding the voice's language for text processing, or {@code null}
 */
public record SynthesisOptions(double speed, String language) {

    /** Slowest supported speed multiplier. */
    public static final double MIN_SPEED = 0.25;
    /** Fastest supported speed multiplier. */
    public static final double MAX_SPEED = 4.0;

    private static final SynthesisOptions DEFAULTS = new SynthesisOptions(1.0, null);

    public SynthesisOptions {
        if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
            throw new InvalidInputException("speed",
                    "speed: " + speed + " (expected: " + MIN_SPEED + " to " + MAX_SPEED + ")");
        }
    }

    /** Returns options with every control at the voice's default. */
    public static SynthesisOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a copy with the given speed. */
    public SynthesisOptions withSpeed(double newSpeed) {
        return new SynthesisOptions(newSpeed, language);
    }
}

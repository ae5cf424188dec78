package dev.chorus.engine.hmm.bridge;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.util.Locale;

/**
 * A speaking-rate factor, applied the way MaryTTS understands it: phones through a MaryXML
 * {@code <prosody rate="...">} (which divides each predicted phone duration), pauses by dividing the duration
 * MaryTTS gave each {@code <boundary>}.
 *
 * <p>MaryTTS cannot follow fast rates fully: an HSMM phone lasts at least 25 ms (five states of one 5 ms frame),
 * so above about 1.5 the speech comes out slower than asked. Measured over two plain sentences: 1.5 gives 1.5x,
 * 2.0 about 1.8x, 3.0 about 2.7x, 4.0 about 3.0x. Slow rates down to 0.25 are followed exactly.
 */
final class SpeechRate {

    /** Slowest factor accepted. */
    static final double MIN = 0.25;
    /** Fastest factor accepted. */
    static final double MAX = 4.0;

    private static final SpeechRate NORMAL = new SpeechRate(1.0);

    private final double factor;

    private SpeechRate(double factor) {
        this.factor = factor;
    }

    /** Returns the rate for {@code factor}; {@code null} means 1.0. */
    static SpeechRate of(Double factor) {
        if (factor == null || factor == 1.0) {
            return NORMAL;
        }
        if (!(factor >= MIN && factor <= MAX)) {
            throw new IllegalArgumentException("speed: " + factor + " (expected: " + MIN + " to " + MAX + ")");
        }
        return new SpeechRate(factor);
    }

    /** Returns whether this is the voice's own rate, which needs no prosody markup. */
    boolean isNormal() {
        return factor == 1.0;
    }

    /**
     * Returns the value of a MaryXML prosody {@code rate} attribute. MaryTTS reads {@code +p%} as "shorten each
     * phone by p percent" and {@code -p%} as "lengthen it by p percent", so the percentages are derived from the
     * duration ratio {@code 1 / factor} rather than from the factor itself.
     */
    String prosodyRate() {
        double durationRatio = 1.0 / factor;
        return factor > 1.0
                ? String.format(Locale.ROOT, "+%.4f%%", 100.0 * (1.0 - durationRatio))
                : String.format(Locale.ROOT, "-%.4f%%", 100.0 * (durationRatio - 1.0));
    }

    /** Divides the pause length of every boundary in the acoustic parameters by the factor. */
    void scalePauses(Document acoustics) {
        if (isNormal()) {
            return;
        }
        NodeList boundaries = acoustics.getElementsByTagName("boundary");
        for (int i = 0; i < boundaries.getLength(); i++) {
            Element boundary = (Element) boundaries.item(i);
            String duration = boundary.getAttribute("duration");
            if (!duration.isEmpty()) {
                long scaled = Math.round(Double.parseDouble(duration) / factor);
                boundary.setAttribute("duration", Long.toString(Math.max(5, scaled)));
            }
        }
    }
}

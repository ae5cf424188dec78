package dev.chorus.asr.quality;

/**
 * A predicted mean opinion score on the 1 to 5 scale of ITU-T P.835, averaged over the segments the predictor
 * looked at.
 *
 * @param signal     the speech signal's quality (SIG)
 * @param background how unobtrusive the background is (BAK)
 * @param overall    the overall quality (OVRL), the figure to watch
 * @param segments   how many segments the averages are over, >= 1
 */
public record MosScore(double signal, double background, double overall, int segments) {

    public MosScore {
        if (!Double.isFinite(signal) || !Double.isFinite(background) || !Double.isFinite(overall)) {
            throw new IllegalArgumentException("signal, background, overall: " + signal + ", " + background + ", "
                    + overall + " (expected: finite)");
        }
        if (segments < 1) {
            throw new IllegalArgumentException("segments: " + segments + " (expected: >= 1)");
        }
    }
}

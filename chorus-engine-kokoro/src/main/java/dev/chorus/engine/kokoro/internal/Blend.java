package dev.chorus.engine.kokoro.internal;

import dev.chorus.tts.InvalidInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A voice name: one speaker ({@code af_bella}) or a weighted blend of speakers ({@code af_bella(2)+af_sky(1)}, a
 * missing weight is 1), as Kokoro-FastAPI writes them. A blend's style vector is the weighted mean of its speakers'.
 *
 * @param parts speakers and their weights, normalised to sum to 1, in the order given (a speaker named twice has its
 *              weights added)
 */
record Blend(Map<String, Double> parts) {

    /** The most speakers in one blend. */
    static final int MAX_PARTS = 16;

    private static final Pattern PART = Pattern.compile("\\s*([^()+\\s]+)\\s*(?:\\(\\s*([^()]*)\\s*\\))?\\s*");

    /**
     * Parses a name.
     *
     * @throws InvalidInputException naming the part and the weight that do not fit
     */
    static Blend parse(String name) {
        List<String> pieces = List.of(name.split("\\+", -1));
        if (pieces.size() > MAX_PARTS) {
            throw new InvalidInputException("voice", "voice: a blend of " + pieces.size() + " speakers (expected: <= "
                    + MAX_PARTS + ")");
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        double sum = 0;
        for (String piece : pieces) {
            Matcher m = PART.matcher(piece);
            if (!m.matches()) {
                throw new InvalidInputException("voice", "voice: '" + piece.strip() + "' in '" + name
                        + "' (expected: SPEAKER or SPEAKER(WEIGHT), joined by '+', e.g. af_bella(2)+af_sky(1))");
            }
            double w = 1;
            if (m.group(2) != null) {
                try {
                    w = Double.parseDouble(m.group(2).strip());
                } catch (NumberFormatException e) {
                    w = Double.NaN;
                }
                if (!(w > 0) || Double.isInfinite(w) || w > 1000) {
                    throw new InvalidInputException("voice", "voice: weight '" + m.group(2).strip() + "' of "
                            + m.group(1) + " in '" + name + "' (expected: a number > 0 and <= 1000)");
                }
            }
            weights.merge(m.group(1), w, Double::sum);
            sum += w;
        }
        Map<String, Double> normalised = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            normalised.put(e.getKey(), e.getValue() / sum);
        }
        return new Blend(normalised);
    }

    /** Returns whether this is one speaker. */
    boolean single() {
        return parts.size() == 1;
    }

    /** Returns the speakers in order. */
    List<String> speakers() {
        return new ArrayList<>(parts.keySet());
    }
}

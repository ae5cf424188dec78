package dev.chorus.runtime;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;

/**
 * One step of a request's plan, synthesized or produced in order: speech, silence or a mark.
 */
sealed interface Piece {

    /**
     * Text (or IPA phonemes) for one voice: normally one sentence.
     *
     * @param voice         the voice that speaks it
     * @param text          the text the engine gets; for phonemes, the words they stand for
     * @param ipa           IPA phonemes to speak instead of {@code text}, or {@code null}
     * @param options       engine and audio controls
     * @param sourceStarts  for each char of {@code text}, where the input text it was read from starts
     * @param sourceEnds    for each char of {@code text}, where the input text it was read from ends (exclusive)
     * @param sentenceStart whether this piece starts a sentence (a sentence timing is reported for it)
     */
    record Speech(VoiceInfo voice, String text, String ipa, SynthesisOptions options, int[] sourceStarts,
                  int[] sourceEnds, boolean sentenceStart) implements Piece {

        public Speech {
            if (text.isEmpty() || sourceStarts.length != text.length() || sourceEnds.length != text.length()) {
                throw new IllegalArgumentException("sourceStarts/sourceEnds: " + sourceStarts.length + "/"
                        + sourceEnds.length + " entries (expected: " + text.length() + ", one per char)");
            }
        }

        /** Returns where the input text read as {@code text[start, end)} starts. */
        int sourceStart(int start) {
            return sourceStarts[Math.clamp(start, 0, text.length() - 1)];
        }

        /** Returns where the input text read as {@code text[start, end)} ends. */
        int sourceEnd(int end) {
            return sourceEnds[Math.clamp(end - 1, 0, text.length() - 1)];
        }
    }

    /** A pause of {@code millis} milliseconds (SSML {@code <break>}). */
    record Silence(long millis) implements Piece {
    }

    /** An SSML {@code <mark>} at {@code sourceOffset}. */
    record Mark(String name, int sourceOffset) implements Piece {
    }
}

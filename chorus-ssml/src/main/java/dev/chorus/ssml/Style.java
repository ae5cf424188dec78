package dev.chorus.ssml;

import dev.chorus.tts.Gender;
import dev.chorus.tts.SynthesisOptions;

/**
 * How a run of text is to be spoken: the voice and language chosen by the enclosing elements, prosody, and the
 * special readings of {@code <say-as>}, {@code <phoneme>} and {@code <sub>}.
 *
 * <p>Prosody is relative to the request: {@code rate} multiplies the request's speed, {@code pitchSemitones} and
 * {@code volumeDb} shift the voice's own pitch and loudness. The runtime combines them with the request and keeps
 * the result within what it supports.
 *
 * @param voice           the {@code name} of the innermost {@code <voice>} that sets one, or {@code null} for the
 *                        request's voice
 * @param voiceGender     the {@code gender} of the innermost {@code <voice>} that sets one, or {@code null}
 * @param voiceLanguages  the {@code languages} of the innermost {@code <voice>} that sets it (a space-separated
 *                        list of BCP-47 tags), or {@code null}
 * @param language        the BCP-47 tag of the innermost {@code xml:lang}, or {@code null} for the request's
 *                        language
 * @param rate            speaking-rate multiplier, {@value #MIN_RATE} to {@value #MAX_RATE}; 1.0 is unchanged
 * @param pitchSemitones  pitch shift in semitones, {@value #MIN_PITCH_SEMITONES} to {@value #MAX_PITCH_SEMITONES}
 * @param volumeDb        volume change in decibels, at most {@value #MAX_VOLUME_DB}; {@link #SILENT} (negative
 *                        infinity) when the text is to be skipped silently, in the time it would take to speak
 * @param emphasis        the {@code level} of the innermost {@code <emphasis>} ({@code strong}, {@code moderate},
 *                        {@code reduced} or {@code none}), or {@code null}; its effect is already applied to
 *                        {@code rate} and {@code volumeDb}
 * @param sayAs           the enclosing {@code <say-as>}, or {@code null}
 * @param phoneme         the pronunciation of the text in IPA, or {@code null}; the text is the fallback
 * @param alphabet        the alphabet the document wrote {@code phoneme} in ({@code ipa} or {@code x-sampa}, which
 *                        is converted to IPA), or {@code null} when {@code phoneme} is
 * @param substitutedFrom the original content of a {@code <sub>} whose {@code alias} is the text, or {@code null}
 */
public record Style(String voice, Gender voiceGender, String voiceLanguages, String language, double rate,
                    double pitchSemitones, double volumeDb, String emphasis, SayAs sayAs, String phoneme,
                    String alphabet, String substitutedFrom) {

    /** Slowest rate multiplier. */
    public static final double MIN_RATE = SynthesisOptions.MIN_SPEED;
    /** Fastest rate multiplier. */
    public static final double MAX_RATE = SynthesisOptions.MAX_SPEED;
    /** Lowest pitch shift, in semitones. */
    public static final double MIN_PITCH_SEMITONES = -12.0;
    /** Highest pitch shift, in semitones. */
    public static final double MAX_PITCH_SEMITONES = 12.0;
    /** Loudest volume change, in decibels. */
    public static final double MAX_VOLUME_DB = 20.0;
    /** The {@code volumeDb} of silent text. */
    public static final double SILENT = Double.NEGATIVE_INFINITY;

    /** Style of text no element changes: the request's voice, language, rate, pitch and volume. */
    public static final Style DEFAULT = new Style(null, null, null, null, 1.0, 0.0, 0.0, null, null, null, null,
            null);

    /** Checks that prosody is within range and that {@code phoneme} and {@code alphabet} come together. */
    public Style {
        if (!(rate >= MIN_RATE && rate <= MAX_RATE)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: " + MIN_RATE + " to " + MAX_RATE + ")");
        }
        if (!(pitchSemitones >= MIN_PITCH_SEMITONES && pitchSemitones <= MAX_PITCH_SEMITONES)) {
            throw new IllegalArgumentException("pitchSemitones: " + pitchSemitones + " (expected: "
                    + MIN_PITCH_SEMITONES + " to " + MAX_PITCH_SEMITONES + ")");
        }
        if (!(volumeDb <= MAX_VOLUME_DB)) {
            throw new IllegalArgumentException("volumeDb: " + volumeDb + " (expected: <= " + MAX_VOLUME_DB + ")");
        }
        if ((phoneme == null) != (alphabet == null)) {
            throw new IllegalArgumentException("alphabet: " + alphabet + " (expected: set exactly when phoneme is)");
        }
    }

    /** Returns whether the text is to be skipped silently ({@code <prosody volume="silent">}). */
    public boolean isSilent() {
        return volumeDb == SILENT;
    }

    Style withVoice(String newVoice, Gender newGender, String newLanguages) {
        return new Style(newVoice, newGender, newLanguages, language, rate, pitchSemitones, volumeDb, emphasis,
                sayAs, phoneme, alphabet, substitutedFrom);
    }

    Style withLanguage(String newLanguage) {
        return new Style(voice, voiceGender, voiceLanguages, newLanguage, rate, pitchSemitones, volumeDb, emphasis,
                sayAs, phoneme, alphabet, substitutedFrom);
    }

    Style withProsody(double newRate, double newPitch, double newVolume) {
        return new Style(voice, voiceGender, voiceLanguages, language, newRate, newPitch, newVolume, emphasis,
                sayAs, phoneme, alphabet, substitutedFrom);
    }

    Style withEmphasis(String level, double newRate, double newVolume) {
        return new Style(voice, voiceGender, voiceLanguages, language, newRate, pitchSemitones, newVolume, level,
                sayAs, phoneme, alphabet, substitutedFrom);
    }

    Style withSayAs(SayAs newSayAs) {
        return new Style(voice, voiceGender, voiceLanguages, language, rate, pitchSemitones, volumeDb, emphasis,
                newSayAs, phoneme, alphabet, substitutedFrom);
    }

    Style withPhoneme(String newPhoneme, String newAlphabet) {
        return new Style(voice, voiceGender, voiceLanguages, language, rate, pitchSemitones, volumeDb, emphasis,
                sayAs, newPhoneme, newAlphabet, substitutedFrom);
    }

    Style withSubstitutedFrom(String original) {
        return new Style(voice, voiceGender, voiceLanguages, language, rate, pitchSemitones, volumeDb, emphasis,
                sayAs, phoneme, alphabet, original);
    }
}

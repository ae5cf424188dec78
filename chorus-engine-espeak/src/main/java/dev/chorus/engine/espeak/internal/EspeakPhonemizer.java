package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.spi.Phonemizer;

import java.util.List;

/**
 * eSpeak NG's text-to-IPA translation, one clause at a time, through the engine's instance pool (so it is
 * thread-safe and never disturbs a synthesis). The language may be a voice name ({@code en-us}), a full voice id,
 * a BCP-47 tag ({@code en-US}) or an eSpeak language code ({@code en}).
 */
final class EspeakPhonemizer implements Phonemizer {

    private final EspeakEngine engine;

    EspeakPhonemizer(EspeakEngine engine) {
        this.engine = engine;
    }

    /**
     * Phonemizes {@code text}; each clause keeps the punctuation that ended it, recovered from the text.
     *
     * @throws dev.chorus.tts.InvalidInputException if the text is unusable or the language unknown
     * @throws IllegalStateException                 if the engine is closed
     */
    @Override
    public List<PhonemeClause> phonemize(String text, String language) {
        return engine.phonemize(text, language);
    }
}

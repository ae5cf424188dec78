package dev.chorus.runtime;

import dev.chorus.text.PreparedText;
import dev.chorus.text.TextChunk;
import dev.chorus.text.TextPipeline;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a request into a plan: the voice, and the sentences, pauses and marks to produce in order, each sentence
 * with the offsets of the input text it was read from.
 */
final class Planner {

    private final EngineRegistry registry;
    private final TextPipeline pipeline;

    Planner(EngineRegistry registry, TextPipeline pipeline) {
        this.registry = registry;
        this.pipeline = pipeline;
    }

    /** A request's voice and pieces. */
    record Plan(VoiceInfo voice, List<Piece> pieces) {
    }

    Plan plan(SynthesisRequest request) {
        VoiceInfo voice = voiceFor(request.voice(), request.options().language());
        Locale locale = request.options().language() != null
                ? Locale.forLanguageTag(request.options().language()) : voice.locale();
        PreparedText prepared = pipeline.prepare(request.text(), locale);
        List<Piece> pieces = new ArrayList<>();
        for (TextChunk c : prepared.chunks()) {
            if (!speakable(c.text())) {
                continue;
            }
            int n = c.text().length();
            int[] starts = new int[n];
            int[] ends = new int[n];
            for (int i = 0; i < n; i++) {
                starts[i] = c.start() + i;
                ends[i] = c.start() + i + 1;
            }
            pieces.add(new Piece.Speech(voice, c.text(), null, request.options(), starts, ends, true));
        }
        if (pieces.isEmpty()) {
            throw new InvalidInputException("input", "input: nothing to speak (expected: at least one word)");
        }
        return new Plan(voice, pieces);
    }

    private VoiceInfo voiceFor(String voice, String language) {
        if ((voice == null || voice.isBlank()) && language != null && !language.isBlank()) {
            return registry.resolveLanguage(language);
        }
        return registry.resolve(voice);
    }

    /** Whether a chunk has something to say (not only punctuation or symbols, which some engines reject). */
    static boolean speakable(String text) {
        return text.codePoints().anyMatch(Character::isLetterOrDigit);
    }
}

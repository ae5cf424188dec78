package dev.chorus.runtime;

import dev.chorus.ssml.Segment;
import dev.chorus.ssml.SsmlDocument;
import dev.chorus.ssml.Style;
import dev.chorus.text.Lexicon;
import dev.chorus.text.PhonemeSpan;
import dev.chorus.text.PrepareOptions;
import dev.chorus.text.PreparedText;
import dev.chorus.text.SayAs;
import dev.chorus.text.TextChunk;
import dev.chorus.text.TextPipeline;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.Pronunciation;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a request into a plan: the voice, and the sentences, pauses and marks to produce in order, each sentence
 * with the offsets of the input text it was read from.
 *
 * <p>Plain text goes through the {@link TextPipeline} (normalization, lexicons, sentence chunks). SSML is parsed
 * into runs of text that share a voice, language and prosody; each run goes through the pipeline on its own, so
 * a chunk never spans a change of voice or prosody, a {@code <break>}, a {@code <mark>} or an {@code <s>}/{@code <p>}
 * boundary. {@code <say-as>} text is read by its interpretation and {@code <phoneme>} text is spoken from its IPA
 * by voices that take phonemes (others speak the element's text).
 */
final class Planner {

    /** Speaking time assumed for silent ({@code volume="silent"}) text, per character, at rate 1. */
    private static final long SILENT_MILLIS_PER_CHAR = 65;

    private final EngineRegistry registry;
    private final TextPipeline pipeline;
    Planner(EngineRegistry registry, TextPipeline pipeline) {
        this.registry = registry;
        this.pipeline = pipeline;
    }

    /** A request's voice, pieces and warnings (about SSML the server did not act on). */
    record Plan(VoiceInfo voice, List<Piece> pieces, List<String> warnings) {
    }

    /** Plans a parsed request; its SSML, when it has any, was parsed by the {@link RequestParser}. */
    Plan plan(ParsedRequest parsed) {
        SynthesisRequest request = parsed.request();
        TextOptions t = request.textOptions();
        PrepareOptions prep = new PrepareOptions(t.normalize(), lexicon(t.lexicon()));
        Plan plan = parsed.isSsml() ? planSsml(request, parsed.ssml(), prep) : planText(request, prep);
        if (plan.pieces().stream().noneMatch(p -> p instanceof Piece.Speech)) {
            throw new InvalidInputException("input", "input: nothing to speak (expected: at least one word)");
        }
        return plan;
    }

    private Plan planText(SynthesisRequest request, PrepareOptions prep) {
        VoiceInfo voice = voiceFor(request.voice(), request.options().language());
        Locale locale = request.options().language() != null
                ? Locale.forLanguageTag(request.options().language()) : voice.locale();
        PreparedText prepared = prepare(request.text(), locale, prep);
        List<Piece> pieces = new ArrayList<>();
        SourceMap identity = SourceMap.identity();
        addChunks(pieces, prepared, identity, voice, request.options(), true);
        return new Plan(voice, pieces, List.of());
    }

    private Plan planSsml(SynthesisRequest request, SsmlDocument doc, PrepareOptions prep) {
        String requestLanguage = request.options().language() != null ? request.options().language()
                : doc.language();
        VoiceInfo base = voiceFor(request.voice(), requestLanguage);
        List<Piece> pieces = new ArrayList<>();
        Run run = null;
        boolean sentenceStart = true;
        for (Segment seg : doc.segments()) {
            switch (seg) {
                case Segment.Text text -> {
                    Style style = text.style();
                    if (style.isSilent()) {
                        sentenceStart = flush(run, pieces, prep, sentenceStart);
                        run = null;
                        long millis = Math.round(text.text().strip().length() * SILENT_MILLIS_PER_CHAR
                                / (request.options().speed() * style.rate()));
                        if (millis > 0) {
                            pieces.add(new Piece.Silence(millis));
                        }
                        continue;
                    }
                    VoiceInfo voice = styleVoice(style, base);
                    String language = style.language() != null ? style.language() : requestLanguage;
                    Locale locale = language != null ? Locale.forLanguageTag(language) : voice.locale();
                    SynthesisOptions options = options(request.options(), style, language);
                    if (style.phoneme() != null && supportsPhonemes(voice)) {
                        sentenceStart = flush(run, pieces, prep, sentenceStart);
                        run = null;
                        String shown = text.text().isBlank() ? style.phoneme() : text.text().strip();
                        pieces.add(speech(voice, shown, style.phoneme(), options,
                                SourceMap.whole(text.sourceStart(), text.sourceEnd()), false));
                        continue;
                    }
                    if (run == null || !run.fits(voice, locale, options)) {
                        if (text.text().isBlank()) {
                            if (run != null) {
                                run.append(text.text(), text.sourceStart(), text.sourceEnd(), true);
                            }
                            continue;
                        }
                        sentenceStart = flush(run, pieces, prep, sentenceStart);
                        run = new Run(voice, locale, options);
                    }
                    if (style.sayAs() != null) {
                        String spoken = SayAs.verbalize(text.text(), style.sayAs().interpretAs(),
                                style.sayAs().format(), style.sayAs().detail(), locale);
                        run.append(" " + spoken + " ", text.sourceStart(), text.sourceEnd(), false);
                    } else {
                        run.append(text.text(), text.sourceStart(), text.sourceEnd(),
                                style.substitutedFrom() == null);
                    }
                }
                case Segment.Break b -> {
                    sentenceStart = flush(run, pieces, prep, sentenceStart);
                    run = null;
                    if (b.millis() > 0) {
                        pieces.add(new Piece.Silence(b.millis()));
                    }
                }
                case Segment.Mark m -> {
                    sentenceStart = flush(run, pieces, prep, sentenceStart);
                    run = null;
                    pieces.add(new Piece.Mark(m.name(), m.sourceStart()));
                }
                case Segment.Boundary ignored -> {
                    flush(run, pieces, prep, sentenceStart);
                    run = null;
                    sentenceStart = true;
                }
            }
        }
        flush(run, pieces, prep, sentenceStart);
        return new Plan(base, pieces, doc.warnings());
    }

    /**
     * Runs the pipeline. A lexicon regular expression that backtracks too long on this text stops with an
     * {@link IllegalArgumentException} naming it ({@code regex: "..." (expected: ...)}): the request's text or
     * lexicon is at fault, so it is bad input, not a server failure.
     */
    private PreparedText prepare(String text, Locale locale, PrepareOptions prep) {
        try {
            return pipeline.prepare(text, locale, prep);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("regex: ")) {
                throw new InvalidInputException("lexicon", "lexicon: " + e.getMessage());
            }
            throw e;
        }
    }

    /** Adds a run's chunks as pieces; returns whether the next text starts a sentence. */
    private boolean flush(Run run, List<Piece> pieces, PrepareOptions prep, boolean sentenceStart) {
        if (run == null || run.text.toString().isBlank()) {
            return sentenceStart;
        }
        PreparedText prepared = prepare(run.text.toString(), run.locale, prep);
        if (prepared.chunks().isEmpty()) {
            return sentenceStart;
        }
        addChunks(pieces, prepared, run.map(), run.voice, run.options, sentenceStart);
        String last = prepared.chunks().getLast().text();
        return last.matches("(?s).*[.!?\u3002\uff01\uff1f\u2026]\\W*");
    }

    private void addChunks(List<Piece> pieces, PreparedText prepared, SourceMap outer, VoiceInfo voice,
                           SynthesisOptions options, boolean firstStartsSentence) {
        boolean phonemes = !prepared.phonemes().isEmpty() && supportsPhonemes(voice);
        boolean first = true;
        for (TextChunk c : prepared.chunks()) {
            if (!speakable(c.text())) {
                continue;
            }
            boolean sentence = first ? firstStartsSentence : true;
            first = false;
            int from = c.start();
            if (phonemes) {
                for (PhonemeSpan span : prepared.phonemes()) {
                    if (span.start() < from || span.end() > c.end() || !span.alphabet().equals(Lexicon.IPA)) {
                        continue;
                    }
                    if (span.start() > from && speakable(prepared.normalized().substring(from, span.start()))) {
                        pieces.add(slice(prepared, outer, voice, options, from, span.start(), null, sentence));
                        sentence = false;
                    }
                    pieces.add(slice(prepared, outer, voice, options, span.start(), span.end(), span.phonemes(),
                            sentence));
                    sentence = false;
                    from = span.end();
                }
            }
            if (from < c.end() && speakable(prepared.normalized().substring(from, c.end()))) {
                pieces.add(slice(prepared, outer, voice, options, from, c.end(), null, sentence));
            }
        }
    }

    private static Piece.Speech slice(PreparedText prepared, SourceMap outer, VoiceInfo voice,
                                      SynthesisOptions options, int start, int end, String ipa, boolean sentence) {
        String raw = prepared.normalized().substring(start, end);
        int from = start + raw.length() - raw.stripLeading().length();
        return speech(voice, raw.strip(), ipa, options, new SourceMap() {
            @Override
            public int start(int i) {
                return outer.start(prepared.sourceStart(from + i));
            }

            @Override
            public int end(int i) {
                return outer.end(prepared.sourceEnd(from + i));
            }
        }, sentence);
    }

    private static Piece.Speech speech(VoiceInfo voice, String text, String ipa, SynthesisOptions options,
                                       SourceMap map, boolean sentence) {
        int n = text.length();
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = map.start(i);
            ends[i] = map.end(i + 1);
        }
        return new Piece.Speech(voice, text, ipa, options, starts, ends, sentence);
    }

    private static SynthesisOptions options(SynthesisOptions request, Style style, String language) {
        double speed = Math.clamp(request.speed() * style.rate(), SynthesisOptions.MIN_SPEED, SynthesisOptions.MAX_SPEED);
        double pitch = Math.clamp(request.pitch() + style.pitchSemitones(), SynthesisOptions.MIN_PITCH,
                SynthesisOptions.MAX_PITCH);
        double volume = Math.clamp(request.volume() + style.volumeDb(), SynthesisOptions.MIN_VOLUME,
                SynthesisOptions.MAX_VOLUME);
        return new SynthesisOptions(speed, language != null ? language : request.language(), pitch, volume);
    }

    /** The voice a style asks for: its {@code <voice name>}, else one for its languages, else the base voice. */
    private VoiceInfo styleVoice(Style style, VoiceInfo base) {
        return SsmlVoices.of(registry, style, base);
    }

    private final Map<String, Boolean> phonemeSupport = new ConcurrentHashMap<>();

    private boolean supportsPhonemes(VoiceInfo voice) {
        return phonemeSupport.computeIfAbsent(voice.id() + "@" + voice.version(),
                k -> registry.voice(voice.id()).supportsPhonemes());
    }

    private VoiceInfo voiceFor(String voice, String language) {
        if ((voice == null || voice.isBlank()) && language != null && !language.isBlank()) {
            return registry.resolveLanguage(language);
        }
        return registry.resolve(voice);
    }

    /** Converts a request's pronunciations to a lexicon. */
    static Lexicon lexicon(List<Pronunciation> entries) {
        if (entries.isEmpty()) {
            return Lexicon.EMPTY;
        }
        List<Lexicon.Entry> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Pronunciation p = entries.get(i);
            try {
                out.add(new Lexicon.Entry(p.regex() ? null : p.match(), p.regex() ? p.match() : null, false,
                        p.alias(), p.phoneme(), p.phoneme() == null ? null : Lexicon.IPA));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("lexicon", "lexicon[" + i + "]: " + e.getMessage());
            }
        }
        return Lexicon.of(out);
    }

    /** Whether a chunk has something to say (not only punctuation or symbols, which some engines reject). */
    static boolean speakable(String text) {
        return text.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** Text for one voice, language and prosody, collected from SSML text segments, with its source offsets. */
    private static final class Run {
        final VoiceInfo voice;
        final Locale locale;
        final SynthesisOptions options;
        final StringBuilder text = new StringBuilder();
        private final List<int[]> spans = new ArrayList<>();

        Run(VoiceInfo voice, Locale locale, SynthesisOptions options) {
            this.voice = voice;
            this.locale = locale;
            this.options = options;
        }

        boolean fits(VoiceInfo v, Locale l, SynthesisOptions o) {
            return voice.id().equals(v.id()) && locale.equals(l) && options.equals(o);
        }

        /**
         * Appends text read from {@code source[start, end)}; when {@code linear} and the lengths agree, char i maps
         * to {@code start + i}, else every char maps to the whole range.
         */
        void append(String s, int start, int end, boolean linear) {
            boolean exact = linear && s.length() == end - start;
            for (int i = 0; i < s.length(); i++) {
                spans.add(exact ? new int[] {start + i, start + i + 1} : new int[] {start, end});
            }
            text.append(s);
        }

        SourceMap map() {
            return new SourceMap() {
                @Override
                public int start(int i) {
                    return spans.isEmpty() ? 0 : spans.get(Math.clamp(i, 0, spans.size() - 1))[0];
                }

                @Override
                public int end(int i) {
                    return spans.isEmpty() ? 0 : spans.get(Math.clamp(i - 1, 0, spans.size() - 1))[1];
                }
            };
        }
    }

    /** Maps offsets of a text handed to the pipeline to offsets in the request's input. */
    interface SourceMap {
        /** Where the char at {@code i} starts in the input. */
        int start(int i);

        /** Where text ending (exclusive) at {@code i} ends in the input. */
        int end(int i);

        static SourceMap identity() {
            return new SourceMap() {
                @Override
                public int start(int i) {
                    return i;
                }

                @Override
                public int end(int i) {
                    return i;
                }
            };
        }

        static SourceMap whole(int start, int end) {
            return new SourceMap() {
                @Override
                public int start(int i) {
                    return start;
                }

                @Override
                public int end(int i) {
                    return end;
                }
            };
        }
    }
}

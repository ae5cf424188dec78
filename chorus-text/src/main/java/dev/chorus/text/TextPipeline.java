package dev.chorus.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns user text into normalized chunks ready for synthesis: {@link TextNormalizer} cleans up the characters,
 * {@link Lexicon}s apply, numbers, money, dates, times, units, abbreviations, acronyms, URLs and symbols are
 * rewritten into words (English and Chinese; see {@link PrepareOptions#normalize()}), then
 * {@link SentenceChunker} cuts the result into chunks. Offsets in the result map back to the input through
 * {@link PreparedText#sourceSpan(int, int)}.
 *
 * <p>A blank line (or a paragraph separator, U+2029) ends a paragraph, and a sentence never runs across one:
 * a heading without a final period stays its own chunk. Each paragraph is normalized on its own and the results
 * are joined with single spaces into {@link PreparedText#normalized()}.
 *
 * <p>Instances are immutable and thread-safe; build one and reuse it.
 */
public final class TextPipeline {

    /** Default longest chunk, in UTF-16 chars. */
    public static final int DEFAULT_MAX_CHUNK_CHARS = 400;

    /** Default longest first chunk, in UTF-16 chars. */
    public static final int DEFAULT_FIRST_CHUNK_MAX_CHARS = 120;

    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\R\\h*\\R|\u2029");

    private final SentenceChunker chunker;
    private final Lexicon lexicon;

    private TextPipeline(SentenceChunker chunker, Lexicon lexicon) {
        this.chunker = chunker;
        this.lexicon = lexicon;
    }

    /** Returns a builder with the defaults: 400 chars per chunk, 120 for the first. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Normalizes {@code text}, rewrites it into words and cuts it into chunks with the sentence rules of
     * {@code locale}; the same as {@link #prepare(String, Locale, PrepareOptions)} with
     * {@link PrepareOptions#DEFAULT}.
     *
     * @return the normalized text and its chunks; no chunks when {@code text} has nothing to speak
     */
    public PreparedText prepare(String text, Locale locale) {
        return prepare(text, locale, PrepareOptions.DEFAULT);
    }

    /**
     * Normalizes {@code text} and cuts it into chunks with the sentence rules of {@code locale}: cleans up the
     * characters, applies the request lexicon then the pipeline's, rewrites numbers and the like into words
     * unless {@code options} turn that off, and chunks the result.
     *
     * @return the normalized text and its chunks; no chunks when {@code text} has nothing to speak
     */
    public PreparedText prepare(String text, Locale locale, PrepareOptions options) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(options, "options");
        Lexicon lexicons = Lexicon.combine(options.lexicon(), lexicon).forLocale(locale);
        MappedText source = MappedText.identity(text);
        MappedText.Builder normalized = new MappedText.Builder(text, text.length() + 16);
        List<Span> paragraphs = new ArrayList<>();
        List<PhonemeSpan> phonemes = new ArrayList<>();
        Matcher breaks = PARAGRAPH_BREAK.matcher(text);
        int start = 0;
        while (start <= text.length()) {
            int end = breaks.find() ? breaks.start() : text.length();
            MappedText clean = TextNormalizer.clean(source.slice(start, end));
            start = end == text.length() ? text.length() + 1 : breaks.end();
            if (clean.length() == 0) {
                continue;
            }
            Lexicon.Applied applied = lexicons.apply(clean);
            List<Span> protect = applied.marked().stream().map(Lexicon.Marked::span).toList();
            List<Verbalizer.Protected> placed = new ArrayList<>();
            MappedText spoken = options.normalize()
                    ? Verbalizer.verbalize(applied.text(), locale, protect, placed)
                    : applied.text();
            if (!options.normalize()) {
                protect.forEach(span -> placed.add(new Verbalizer.Protected(span, span)));
            }
            if (spoken.length() == 0) {
                continue;
            }
            if (!normalized.isEmpty()) {
                normalized.insert(' ');
            }
            int offset = normalized.length();
            paragraphs.add(new Span(offset, offset + spoken.length()));
            normalized.copy(spoken, 0, spoken.length());
            for (int k = 0; k < placed.size(); k++) {
                Lexicon.Marked mark = applied.marked().get(k);
                Span at = placed.get(k).out();
                phonemes.add(new PhonemeSpan(offset + at.start(), offset + at.end(), mark.phoneme(),
                        mark.alphabet()));
            }
        }
        MappedText mapped = normalized.build();
        String result = mapped.text();
        return new PreparedText(result, chunker.chunk(result, paragraphs, locale), mapped, phonemes);
    }

    /** Returns the longest chunk this pipeline makes, in UTF-16 chars. */
    public int maxChunkChars() {
        return chunker.maxChunkChars();
    }

    /** Returns the longest first chunk this pipeline makes, in UTF-16 chars. */
    public int firstChunkMaxChars() {
        return chunker.firstChunkMaxChars();
    }

    /** Configures a {@link TextPipeline}. Each option may be set once. Not thread-safe. */
    public static final class Builder {

        private static final int UNSET = -1;

        private int maxChunkChars = UNSET;
        private int firstChunkMaxChars = UNSET;
        private Lexicon lexicon;

        private Builder() {
        }

        /**
         * Sets the longest chunk, in UTF-16 chars: from {@value SentenceChunker#MIN_CHUNK_CHARS} to
         * {@link dev.chorus.tts.spi.ChunkText#MAX_CHUNK_CHARS}; default {@value #DEFAULT_MAX_CHUNK_CHARS}.
         */
        public Builder maxChunkChars(int maxChunkChars) {
            if (this.maxChunkChars != UNSET) {
                throw new IllegalStateException("maxChunkChars was already set to " + this.maxChunkChars);
            }
            SentenceChunker.checkMaxChunkChars(maxChunkChars);
            this.maxChunkChars = maxChunkChars;
            return this;
        }

        /**
         * Sets the longest first chunk, in UTF-16 chars: from {@value SentenceChunker#MIN_FIRST_CHUNK_CHARS} to
         * {@code maxChunkChars}; default {@value #DEFAULT_FIRST_CHUNK_MAX_CHARS}, or {@code maxChunkChars} when
         * that is smaller.
         */
        public Builder firstChunkMaxChars(int firstChunkMaxChars) {
            if (this.firstChunkMaxChars != UNSET) {
                throw new IllegalStateException(
                        "firstChunkMaxChars was already set to " + this.firstChunkMaxChars);
            }
            SentenceChunker.checkFirstChunkMaxChars(firstChunkMaxChars);
            this.firstChunkMaxChars = firstChunkMaxChars;
            return this;
        }

        /**
         * Sets the lexicon applied to every request, after the request's own entries; default
         * {@link Lexicon#EMPTY}. Combine several files with {@link Lexicon#combine(Lexicon...)}.
         */
        public Builder lexicon(Lexicon lexicon) {
            Objects.requireNonNull(lexicon, "lexicon");
            if (this.lexicon != null) {
                throw new IllegalStateException("lexicon was already set to " + this.lexicon);
            }
            this.lexicon = lexicon;
            return this;
        }

        /**
         * Builds the pipeline.
         *
         * @throws IllegalStateException if {@code firstChunkMaxChars} was set above {@code maxChunkChars}
         */
        public TextPipeline build() {
            int max = maxChunkChars == UNSET ? DEFAULT_MAX_CHUNK_CHARS : maxChunkChars;
            int first = firstChunkMaxChars == UNSET ? Math.min(DEFAULT_FIRST_CHUNK_MAX_CHARS, max)
                    : firstChunkMaxChars;
            if (first > max) {
                throw new IllegalStateException("firstChunkMaxChars: " + first
                        + " (expected: <= maxChunkChars = " + max + ")");
            }
            return new TextPipeline(new SentenceChunker(max, first), lexicon == null ? Lexicon.EMPTY : lexicon);
        }
    }
}

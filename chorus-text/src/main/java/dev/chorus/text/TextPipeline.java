package dev.chorus.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns user text into normalized chunks ready for synthesis: {@link TextNormalizer} then
 * {@link SentenceChunker}.
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

    private TextPipeline(SentenceChunker chunker) {
        this.chunker = chunker;
    }

    /** Returns a builder with the defaults: 400 chars per chunk, 120 for the first. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Normalizes {@code text} and cuts it into chunks with the sentence rules of {@code locale}.
     *
     * @return the normalized text and its chunks; no chunks when {@code text} has nothing to speak
     */
    public PreparedText prepare(String text, Locale locale) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(locale, "locale");
        StringBuilder normalized = new StringBuilder(text.length());
        List<Span> paragraphs = new ArrayList<>();
        for (String paragraph : PARAGRAPH_BREAK.split(text)) {
            String clean = TextNormalizer.normalize(paragraph);
            if (clean.isEmpty()) {
                continue;
            }
            if (!normalized.isEmpty()) {
                normalized.append(' ');
            }
            paragraphs.add(new Span(normalized.length(), normalized.length() + clean.length()));
            normalized.append(clean);
        }
        String result = normalized.toString();
        return new PreparedText(result, chunker.chunk(result, paragraphs, locale));
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
            return new TextPipeline(new SentenceChunker(max, first));
        }
    }
}

package dev.chorus.text;

import dev.chorus.tts.spi.ChunkText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Cuts text into chunks of whole sentences for synthesis, one sentence per chunk.
 *
 * <p>A sentence longer than {@code maxChunkChars} is cut at its clause boundaries, packing as many clauses into
 * a chunk as fit; a clause that is still too long is cut at the last space before the limit, or between
 * characters in Chinese and Japanese text. The first chunk is kept to {@code firstChunkMaxChars} so that audio
 * can start early: a longer first sentence is cut at its first clause boundary at least
 * {@value ChunkBoundaryFinder#FIRST_CLAUSE_MIN_CHARS} chars in, or else at a space.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SentenceChunker {

    /** Smallest accepted {@code maxChunkChars}. */
    public static final int MIN_CHUNK_CHARS = 40;

    /** Smallest accepted {@code firstChunkMaxChars}. */
    public static final int MIN_FIRST_CHUNK_CHARS = ChunkBoundaryFinder.FIRST_CLAUSE_MIN_CHARS;

    private final int maxChunkChars;
    private final int firstChunkMaxChars;

    /**
     * Creates a chunker.
     *
     * @param maxChunkChars      longest chunk, in UTF-16 chars, from {@value #MIN_CHUNK_CHARS} to
     *                           {@link ChunkText#MAX_CHUNK_CHARS}
     * @param firstChunkMaxChars longest first chunk, from {@value #MIN_FIRST_CHUNK_CHARS} to {@code maxChunkChars}
     */
    public SentenceChunker(int maxChunkChars, int firstChunkMaxChars) {
        checkMaxChunkChars(maxChunkChars);
        checkFirstChunkMaxChars(firstChunkMaxChars);
        if (firstChunkMaxChars > maxChunkChars) {
            throw new IllegalArgumentException("firstChunkMaxChars: " + firstChunkMaxChars
                    + " (expected: <= maxChunkChars = " + maxChunkChars + ")");
        }
        this.maxChunkChars = maxChunkChars;
        this.firstChunkMaxChars = firstChunkMaxChars;
    }

    /**
     * Splits {@code text}, normally the output of {@link TextNormalizer#normalize}, into chunks using the
     * sentence rules of {@code locale}.
     *
     * @return the chunks in order, with offsets into {@code text}; empty when {@code text} is blank
     */
    public List<TextChunk> chunk(String text, Locale locale) {
        Objects.requireNonNull(text, "text");
        return chunk(text, List.of(new Span(0, text.length())), locale);
    }

    /** Splits each paragraph of {@code text} on its own, so no sentence runs across a paragraph break. */
    List<TextChunk> chunk(String text, List<Span> paragraphs, Locale locale) {
        Objects.requireNonNull(locale, "locale");
        ChunkBoundaryFinder finder = new ChunkBoundaryFinder(text, locale);
        List<TextChunk> chunks = new ArrayList<>();
        for (Span paragraph : paragraphs) {
            for (Span sentence : SentenceSegmenter.sentences(text, paragraph, locale)) {
                split(text, sentence, finder, chunks);
            }
        }
        return chunks;
    }

    /** Returns the longest chunk this chunker makes, in UTF-16 chars. */
    public int maxChunkChars() {
        return maxChunkChars;
    }

    /** Returns the longest first chunk this chunker makes, in UTF-16 chars. */
    public int firstChunkMaxChars() {
        return firstChunkMaxChars;
    }

    private void split(String text, Span sentence, ChunkBoundaryFinder finder, List<TextChunk> chunks) {
        int start = sentence.start();
        int end = sentence.end();
        boolean first = chunks.isEmpty();
        int limit = first ? firstChunkMaxChars : maxChunkChars;
        while (end - start > limit) {
            int cut = finder.cut(start, end, limit, first);
            add(text, Spans.trim(text, start, cut), chunks);
            start = Spans.trim(text, cut, end).start();
            first = false;
            limit = maxChunkChars;
        }
        add(text, new Span(start, end), chunks);
    }

    private static void add(String text, Span span, List<TextChunk> chunks) {
        if (span.length() > 0) {
            chunks.add(new TextChunk(text.substring(span.start(), span.end()), span.start(), span.end()));
        }
    }

    static void checkMaxChunkChars(int maxChunkChars) {
        if (maxChunkChars < MIN_CHUNK_CHARS) {
            throw new IllegalArgumentException(
                    "maxChunkChars: " + maxChunkChars + " (expected: >= " + MIN_CHUNK_CHARS + ")");
        }
        if (maxChunkChars > ChunkText.MAX_CHUNK_CHARS) {
            throw new IllegalArgumentException(
                    "maxChunkChars: " + maxChunkChars + " (expected: <= " + ChunkText.MAX_CHUNK_CHARS + ")");
        }
    }

    static void checkFirstChunkMaxChars(int firstChunkMaxChars) {
        if (firstChunkMaxChars < MIN_FIRST_CHUNK_CHARS) {
            throw new IllegalArgumentException("firstChunkMaxChars: " + firstChunkMaxChars
                    + " (expected: >= " + MIN_FIRST_CHUNK_CHARS + ")");
        }
        if (firstChunkMaxChars > ChunkText.MAX_CHUNK_CHARS) {
            throw new IllegalArgumentException("firstChunkMaxChars: " + firstChunkMaxChars
                    + " (expected: <= " + ChunkText.MAX_CHUNK_CHARS + ")");
        }
    }
}

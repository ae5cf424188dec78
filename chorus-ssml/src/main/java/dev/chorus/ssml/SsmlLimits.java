package dev.chorus.ssml;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds {@link SsmlParser} enforces while it reads a document, so that no input can make it work, or make the
 * runtime stay silent, for long. A document over any limit is rejected with an
 * {@link dev.chorus.tts.InvalidInputException} naming the limit and its value.
 *
 * @param maxDocumentChars        longest document, in UTF-16 chars; default {@value #DEFAULT_MAX_DOCUMENT_CHARS}
 * @param maxDepth                deepest element nesting, {@code <speak>} being depth 1; default
 *                                {@value #DEFAULT_MAX_DEPTH}
 * @param maxElements             most elements in a document, {@code <speak>} included; default
 *                                {@value #DEFAULT_MAX_ELEMENTS}
 * @param maxAttributesPerElement most attributes on one element, namespace declarations included; default
 *                                {@value #DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT}
 * @param maxMarkNameLength       longest {@code <mark>} name, in UTF-16 chars; default
 *                                {@value #DEFAULT_MAX_MARK_NAME_LENGTH}
 * @param maxBreak                longest single {@code <break>}; default 10 s
 * @param maxTotalSilence         most silence all {@code <break>}s of a document may add up to; default 60 s
 */
public record SsmlLimits(int maxDocumentChars, int maxDepth, int maxElements, int maxAttributesPerElement,
                         int maxMarkNameLength, Duration maxBreak, Duration maxTotalSilence) {

    /** Default longest document, in UTF-16 chars. */
    public static final int DEFAULT_MAX_DOCUMENT_CHARS = 100_000;
    /** Default deepest element nesting. */
    public static final int DEFAULT_MAX_DEPTH = 32;
    /** Default most elements in a document. */
    public static final int DEFAULT_MAX_ELEMENTS = 5_000;
    /** Default most attributes (and namespace declarations) on one element. */
    public static final int DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT = 16;
    /** Default longest mark name, in UTF-16 chars. */
    public static final int DEFAULT_MAX_MARK_NAME_LENGTH = 256;
    /** Default longest single break. */
    public static final Duration DEFAULT_MAX_BREAK = Duration.ofSeconds(10);
    /** Default most silence all breaks of a document may add up to. */
    public static final Duration DEFAULT_MAX_TOTAL_SILENCE = Duration.ofSeconds(60);

    private static final SsmlLimits DEFAULTS = new SsmlLimits(DEFAULT_MAX_DOCUMENT_CHARS, DEFAULT_MAX_DEPTH,
            DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT, DEFAULT_MAX_MARK_NAME_LENGTH,
            DEFAULT_MAX_BREAK, DEFAULT_MAX_TOTAL_SILENCE);

    /** Checks that every limit is positive. */
    public SsmlLimits {
        positive("maxDocumentChars", maxDocumentChars);
        positive("maxDepth", maxDepth);
        positive("maxElements", maxElements);
        positive("maxAttributesPerElement", maxAttributesPerElement);
        positive("maxMarkNameLength", maxMarkNameLength);
        positive("maxBreak", maxBreak);
        positive("maxTotalSilence", maxTotalSilence);
    }

    /** Returns the default limits. */
    public static SsmlLimits defaults() {
        return DEFAULTS;
    }

    /** Returns a copy with the given longest document, in UTF-16 chars. */
    public SsmlLimits withMaxDocumentChars(int value) {
        return new SsmlLimits(value, maxDepth, maxElements, maxAttributesPerElement, maxMarkNameLength, maxBreak,
                maxTotalSilence);
    }

    /** Returns a copy with the given deepest element nesting. */
    public SsmlLimits withMaxDepth(int value) {
        return new SsmlLimits(maxDocumentChars, value, maxElements, maxAttributesPerElement, maxMarkNameLength,
                maxBreak, maxTotalSilence);
    }

    /** Returns a copy with the given most elements. */
    public SsmlLimits withMaxElements(int value) {
        return new SsmlLimits(maxDocumentChars, maxDepth, value, maxAttributesPerElement, maxMarkNameLength,
                maxBreak, maxTotalSilence);
    }

    /** Returns a copy with the given most attributes per element. */
    public SsmlLimits withMaxAttributesPerElement(int value) {
        return new SsmlLimits(maxDocumentChars, maxDepth, maxElements, value, maxMarkNameLength, maxBreak,
                maxTotalSilence);
    }

    /** Returns a copy with the given longest mark name. */
    public SsmlLimits withMaxMarkNameLength(int value) {
        return new SsmlLimits(maxDocumentChars, maxDepth, maxElements, maxAttributesPerElement, value, maxBreak,
                maxTotalSilence);
    }

    /** Returns a copy with the given longest single break. */
    public SsmlLimits withMaxBreak(Duration value) {
        return new SsmlLimits(maxDocumentChars, maxDepth, maxElements, maxAttributesPerElement, maxMarkNameLength,
                value, maxTotalSilence);
    }

    /** Returns a copy with the given most total silence. */
    public SsmlLimits withMaxTotalSilence(Duration value) {
        return new SsmlLimits(maxDocumentChars, maxDepth, maxElements, maxAttributesPerElement, maxMarkNameLength,
                maxBreak, value);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}

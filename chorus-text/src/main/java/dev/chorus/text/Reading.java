package dev.chorus.text;

/**
 * How to say the text from some offset up to {@code end}: the words that replace it.
 *
 * @param end  offset just past the text that was read
 * @param text the words to say instead
 */
record Reading(int end, String text) {
}

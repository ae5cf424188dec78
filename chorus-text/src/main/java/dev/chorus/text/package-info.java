/**
 * Prepares user text for synthesis. {@link dev.chorus.text.TextPipeline} runs the steps:
 * <ol>
 *   <li>{@link dev.chorus.text.TextNormalizer} cleans up the characters (invisible characters, NFKC, quotes,
 *       dashes, punctuation runs, spaces);
 *   <li>{@link dev.chorus.text.Lexicon}s replace words with aliases or mark them with phonemes;
 *   <li>numbers, money, dates, times, phone numbers, units, abbreviations, acronyms, Roman numerals, URLs and
 *       symbols are rewritten into the words a reader says, by English and Chinese rules (per request, see
 *       {@link dev.chorus.text.PrepareOptions}); {@link dev.chorus.text.SayAs} offers the same readings for
 *       SSML {@code <say-as>};
 *   <li>{@link dev.chorus.text.SentenceChunker} cuts the result into sentence-sized chunks.
 * </ol>
 * Every char of the result remembers where in the input it came from ({@link dev.chorus.text.MappedText}), so
 * chunk offsets and timings in {@link dev.chorus.text.PreparedText} can be traced back to the user's text.
 */
package dev.chorus.text;

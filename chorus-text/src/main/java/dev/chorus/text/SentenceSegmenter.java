package dev.chorus.text;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.FilteredBreakIteratorBuilder;
import com.ibm.icu.util.ULocale;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Splits text into sentences with ICU's sentence rules for a locale, not breaking after common abbreviations,
 * nor before a lowercase letter: ICU breaks after "!" and "?" whatever follows, which cuts
 * {@code "Stop!" he said.} in two.
 *
 * <p>Thread-safe: break iterators are not, so one filtered iterator per language is built once and cloned for
 * each call (a clone copies the iterator's state and its abbreviation tries).
 */
final class SentenceSegmenter {

    /** Abbreviations added to the locale's own list; English ones are common inside text in any language. */
    static final List<String> ABBREVIATIONS = List.of(
            "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "St.", "e.g.", "i.e.", "etc.", "vs.", "No.", "Inc.", "Jr.",
            "Sr.", "U.S.", "a.m.", "p.m.", "E.g.", "I.e.", "A.M.", "P.M.");

    /**
     * Abbreviations with an inner period. ICU's filter handles these only where the sentence rules break after
     * their first part ("U." in "U.S."), which they never do; the break it misses comes after the whole
     * abbreviation before a capital ("the U.S. Army"). Those breaks are undone here.
     */
    private static final Set<String> DOTTED = Set.copyOf(
            ABBREVIATIONS.stream().filter(a -> a.indexOf('.') < a.length() - 1).toList());

    /** Bounds the cache: locale tags come from callers, and an unknown language costs only a rebuild. */
    private static final int MAX_CACHED_LANGUAGES = 64;

    private static final ConcurrentMap<String, BreakIterator> PROTOTYPES = new ConcurrentHashMap<>();

    private SentenceSegmenter() {
    }

    /**
     * Returns the sentences of {@code text[span]} as spans into {@code text}, in order, without surrounding
     * whitespace; blank stretches produce no span.
     */
    static List<Span> sentences(String text, Span span, Locale locale) {
        BreakIterator iterator = iteratorFor(locale);
        iterator.setText(text.substring(span.start(), span.end()));
        List<Span> sentences = new ArrayList<>();
        int start = iterator.first();
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            Span sentence = Spans.trim(text, span.start() + start, span.start() + end);
            if (sentence.length() == 0) {
                continue;
            }
            int last = sentences.size() - 1;
            if (last >= 0 && continues(text, sentences.get(last), sentence)) {
                sentences.set(last, new Span(sentences.get(last).start(), sentence.end()));
            } else {
                sentences.add(sentence);
            }
        }
        return sentences;
    }

    /** Returns whether {@code next} goes on the sentence {@code previous} that ICU ended too early. */
    private static boolean continues(String text, Span previous, Span next) {
        // Only across a space: Chinese puts none after "!", and a Latin word may follow straight on.
        boolean lowercaseAfterSpace = next.start() > previous.end()
                && Character.isLowerCase(text.codePointAt(next.start()));
        return lowercaseAfterSpace || endsWithDottedAbbreviation(text, previous);
    }

    private static boolean endsWithDottedAbbreviation(String text, Span sentence) {
        int wordStart = sentence.end();
        while (wordStart > sentence.start() && !Character.isWhitespace(text.charAt(wordStart - 1))) {
            wordStart--;
        }
        // Skip opening brackets and quotes: "(e.g." still ends in an abbreviation.
        while (wordStart < sentence.end() && !Character.isLetterOrDigit(text.charAt(wordStart))) {
            wordStart++;
        }
        return DOTTED.contains(text.substring(wordStart, sentence.end()));
    }

    private static BreakIterator iteratorFor(Locale locale) {
        String language = locale.getLanguage();
        BreakIterator prototype = PROTOTYPES.get(language);
        if (prototype == null) {
            prototype = build(language);
            if (PROTOTYPES.size() < MAX_CACHED_LANGUAGES) {
                PROTOTYPES.putIfAbsent(language, prototype);
            }
        }
        return prototype.clone();
    }

    private static BreakIterator build(String language) {
        ULocale locale = language.isEmpty() ? ULocale.ROOT : new ULocale(language);
        FilteredBreakIteratorBuilder builder = FilteredBreakIteratorBuilder.getInstance(locale);
        for (String abbreviation : ABBREVIATIONS) {
            builder.suppressBreakAfter(abbreviation);
        }
        return builder.wrapIteratorWithFilter(BreakIterator.getSentenceInstance(locale));
    }
}

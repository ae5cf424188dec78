package dev.chorus.engine.piper.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How sherpa-onnx cuts the text of its Chinese and MeloTTS VITS models into the units it looks up in
 * {@code lexicon.txt}, kept identical so that a voice speaks the same ids here as there.
 *
 * <p>{@link #split}: every character of three or more UTF-8 bytes (Han characters, full-width punctuation) is a
 * unit of its own; runs of ASCII letters, digits and apostrophes, with the accented Latin letters sherpa-onnx
 * treats as letters, make one unit (an English word); other ASCII punctuation is a unit of its own; white space
 * separates units and is dropped.
 *
 * <p>{@link #phrases}: forward longest match against the lexicon's words, at most {@value #MAX_PHRASE} units long,
 * starting at a unit that is not an ASCII letter or punctuation mark and ending at one that is not either. This is
 * sherpa-onnx's segmentation since 1.12.15, which replaced jieba (and the model's {@code dict/} directory) by this
 * match; a unit no phrase starts at stands alone.
 */
final class SherpaWords {

    /** The longest phrase, in units. */
    static final int MAX_PHRASE = 10;

    /** Two-byte letters that sherpa-onnx keeps inside words (German, Spanish and French letters). */
    private static final String WORD_LETTERS = "äöüÄÖÜßáéíóúñÁÉÍÓÚÑàèùçâêîôûëïÀÈÙÇÂÊÎÔÛËÏ";

    /** One unit (or phrase) of text and where it starts. */
    record Unit(String text, int offset) {
    }

    private SherpaWords() {
    }

    /** Returns the units of {@code text}, as sherpa-onnx's {@code SplitUtf8} gives them. */
    static List<Unit> split(String text) {
        List<Unit> out = new ArrayList<>();
        int wordStart = -1;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean inWord = cp < 0x80 ? !asciiPunct(cp) && !asciiSpace(cp)
                    : cp < 0x800 && WORD_LETTERS.indexOf(cp) >= 0;
            if (inWord) {
                if (wordStart < 0) {
                    wordStart = i;
                }
            } else {
                if (wordStart >= 0) {
                    out.add(new Unit(text.substring(wordStart, i), wordStart));
                    wordStart = -1;
                }
                if (!(cp < 0x80 && asciiSpace(cp))) {
                    out.add(new Unit(text.substring(i, next), i));
                }
            }
            i = next;
        }
        if (wordStart >= 0) {
            out.add(new Unit(text.substring(wordStart), wordStart));
        }
        return out;
    }

    /** Returns the phrases of {@code units}: runs of units joined where the joined text is a lexicon word. */
    static List<Unit> phrases(List<Unit> units, Set<String> lexicon) {
        List<Unit> out = new ArrayList<>();
        int i = 0;
        while (i < units.size()) {
            Unit match = null;
            if (!alphaOrPunct(units.get(i).text().charAt(0))) {
                for (int end = Math.min(i + MAX_PHRASE - 1, units.size() - 1); end > i; end--) {
                    String last = units.get(end).text();
                    if (alphaOrPunct(last.charAt(last.length() - 1))) {
                        continue;
                    }
                    StringBuilder joined = new StringBuilder();
                    for (int k = i; k <= end; k++) {
                        joined.append(units.get(k).text());
                    }
                    if (lexicon.contains(joined.toString())) {
                        match = new Unit(joined.toString(), units.get(i).offset());
                        i = end + 1;
                        break;
                    }
                }
            }
            if (match == null) {
                match = units.get(i++);
            }
            out.add(match);
        }
        return out;
    }

    /** C's {@code ispunct} on ASCII, less the apostrophe, which stays inside words. */
    private static boolean asciiPunct(int c) {
        return c != '\'' && c > 0x20 && c < 0x7F && !Character.isLetterOrDigit(c);
    }

    /** C's {@code isspace}. */
    private static boolean asciiSpace(int c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }

    /** C's {@code isalpha(c) || ispunct(c)} on a unit's first or last char (false beyond ASCII). */
    private static boolean alphaOrPunct(char c) {
        return c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '\'' || asciiPunct(c));
    }
}

package dev.chorus.text;

import java.util.List;
import java.util.Locale;

/**
 * Rewrites text into the words a reader says: numbers, money, dates, times, phone numbers, units,
 * abbreviations, acronyms, URLs and symbols.
 *
 * <p>English and Chinese are read, each by its own rules ({@link EnglishRules}, {@link ChineseRules}): a number
 * is read in Chinese when a Han character stands right before it or right after it (skipping one space and the
 * number's own unit or percent sign), in English when a Latin letter does, and otherwise in the language of the
 * locale. Latin words are always read by the English rules. Locales other than English and Chinese (and the
 * root locale, treated as English) are left as written: their engines read numbers themselves.
 *
 * <p>Whatever no rule reads is kept as written, so no word is ever dropped. Each replacement maps to the whole
 * source of what it replaced.
 */
final class Verbalizer {

    /** Where the caller wants text left alone (words with lexicon phonemes), and where that text ended up. */
    record Protected(Span in, Span out) {
    }

    /** The most chars {@link #chineseAt} looks through for the end of a number. */
    private static final int LONGEST_NUMBER = 256;

    private final MappedText in;
    private final String text;
    private final Locale locale;
    private final boolean chineseDefault;
    private final MappedText.Builder out;
    private final EnglishRules english;
    private final ChineseRules chinese;
    private boolean pendingSpace;

    private Verbalizer(MappedText in, Locale locale) {
        this.in = in;
        this.text = in.text();
        this.locale = locale;
        this.chineseDefault = isChinese(locale);
        this.out = new MappedText.Builder(in.source(), text.length() + text.length() / 2);
        this.english = new EnglishRules(text, locale);
        this.chinese = new ChineseRules(text);
    }

    /** Returns whether {@code locale} gets spoken-form rewriting: English, Chinese and the root locale. */
    static boolean supports(Locale locale) {
        return switch (locale.getLanguage()) {
            case "", "en" -> true;
            default -> isChinese(locale);
        };
    }

    /**
     * Returns whether {@code locale} is read by the Chinese rules: {@code zh}, or {@code cmn} (Mandarin), the tag
     * voices such as eSpeak's {@code espeak:cmn} carry.
     */
    static boolean isChinese(Locale locale) {
        String language = locale.getLanguage();
        return language.equals("zh") || language.equals("cmn");
    }

    /** Rewrites {@code in} into spoken form; see the class description. */
    static MappedText verbalize(MappedText in, Locale locale) {
        return verbalize(in, locale, List.of(), null);
    }

    /**
     * Rewrites {@code in} into spoken form, copying the {@code protect} spans (sorted, not overlapping) as they
     * are and adding to {@code placed} where each ended up in the result.
     */
    static MappedText verbalize(MappedText in, Locale locale, List<Span> protect, List<Protected> placed) {
        if (!supports(locale) || in.length() == 0) {
            if (placed != null) {
                protect.forEach(span -> placed.add(new Protected(span, span)));
            }
            return in;
        }
        return new Verbalizer(in, locale).run(protect, placed);
    }

    private MappedText run(List<Span> protect, List<Protected> placed) {
        int next = 0;
        int i = 0;
        while (i < text.length()) {
            if (next < protect.size() && protect.get(next).start() == i) {
                Span span = protect.get(next++);
                separateFrom(text.charAt(span.start()));
                int start = out.length();
                out.copy(in, span.start(), span.end());
                placed.add(new Protected(span, new Span(start, out.length())));
                pendingSpace = isLatinWordChar(text.charAt(span.end() - 1));
                i = span.end();
                continue;
            }
            int limit = next < protect.size() ? protect.get(next).start() : text.length();
            Reading reading = readAt(i);
            if (reading != null && reading.end() <= limit) {
                emit(i, reading);
                i = reading.end();
            } else {
                i = copyToken(i, limit);
            }
        }
        return out.build();
    }

    /** Returns how to read the text at {@code i}, or {@code null} when it stays as written. */
    private Reading readAt(int i) {
        char c = text.charAt(i);
        boolean boundary = i == 0 || !isLatinWordChar(text.charAt(i - 1));
        if (isNumberStart(i) && (boundary || isHan(text.charAt(i - 1)))) {
            return chineseAt(i) ? chinese.number(i) : english.number(i);
        }
        if (c < 128 && Character.isLetter(c)) {
            return boundary ? english.word(i) : null;
        }
        if (c == '\u3007') {
            return new Reading(i + 1, "零");
        }
        return switch (c) {
            case '&', '=', '+', '\u00D7', '@' -> symbol(i, c);
            default -> null;
        };
    }

    /** Returns whether a number reading could start at {@code i}. */
    private boolean isNumberStart(int i) {
        char c = text.charAt(i);
        if (Num.isDigit(c)) {
            return true;
        }
        int next = i + 1;
        return switch (c) {
            case '+', '.', '#', '~', '\'' -> next < text.length() && Num.isDigit(text.charAt(next));
            case '-' -> next < text.length() && (Num.isDigit(text.charAt(next))
                    || (isCurrencySymbol(text.charAt(next)) && next + 1 < text.length()
                    && Num.isDigit(text.charAt(next + 1))));
            case '$', '\u20AC', '\u00A3', '\u00A5', '\u20A9', '\u20B9', '(' -> next < text.length()
                    && (Num.isDigit(text.charAt(next)) || (text.charAt(next) == ' ' && next + 1 < text.length()
                    && Num.isDigit(text.charAt(next + 1))));
            default -> false;
        };
    }

    private static boolean isCurrencySymbol(char c) {
        return c == '$' || c == '\u20AC' || c == '\u00A3' || c == '\u00A5' || c == '\u20A9' || c == '\u20B9';
    }

    private Reading symbol(int i, char c) {
        boolean chineseContext = chineseAt(i);
        int prev = previousNonSpace(i);
        int next = nextNonSpace(i + 1);
        boolean betweenNumbers = prev >= 0 && next >= 0 && Num.isDigit(text.charAt(prev))
                && Num.isDigit(text.charAt(next));
        return switch (c) {
            case '&' -> new Reading(i + 1, chineseContext ? "和" : "and");
            case '=' -> new Reading(i + 1, chineseContext ? "等于" : "equals");
            case '+' -> betweenNumbers ? new Reading(i + 1, chineseContext ? "加" : "plus") : null;
            case '\u00D7' -> betweenNumbers ? new Reading(i + 1, chineseContext ? "乘" : "times") : null;
            // An @ on its own, not inside an address: "meet @ noon".
            case '@' -> (i == 0 || text.charAt(i - 1) == ' ') && (i + 1 == text.length()
                    || text.charAt(i + 1) == ' ') ? new Reading(i + 1, chineseContext ? "在" : "at") : null;
            default -> null;
        };
    }

    private int previousNonSpace(int i) {
        int j = i - 1;
        while (j >= 0 && text.charAt(j) == ' ') {
            j--;
        }
        return j;
    }

    private int nextNonSpace(int i) {
        int j = i;
        while (j < text.length() && text.charAt(j) == ' ') {
            j++;
        }
        return j < text.length() ? j : -1;
    }

    /**
     * Returns whether the number or symbol at {@code i} is read in Chinese: a Han character is next to it (one
     * space and the number's own signs skipped), or nothing but the locale decides.
     */
    private boolean chineseAt(int i) {
        int before = i - 1;
        if (before >= 0 && text.charAt(before) == ' ') {
            before--;
        }
        // Looks past a number of at most LONGEST_NUMBER chars: past a longer run of them ("1,1,1,..."), the
        // scan from each of its numbers would take time quadratic in its length.
        int after = i;
        int limit = Math.min(text.length(), i + LONGEST_NUMBER);
        while (after < limit && isNumberChar(text, after)) {
            after++;
        }
        // A unit belongs to its number: "25°C" alone is no more English than "25".
        after += ChineseUnitTable.lengthAt(text, after);
        if (after < text.length() && text.charAt(after) == ' ') {
            after++;
        }
        int prev = before >= 0 ? text.codePointBefore(before + 1) : -1;
        int next = after < text.length() ? text.codePointAt(after) : -1;
        if (isHan(prev) || isHan(next)) {
            return true;
        }
        if (isLatinLetter(prev) || isLatinLetter(next)) {
            return false;
        }
        if ((prev >= 0 && Scripts.isCjk(prev)) || (next >= 0 && Scripts.isCjk(next))) {
            return true;
        }
        return chineseDefault;
    }

    /** Chars a number token is made of: digits, and separators, signs and symbols that sit inside or by it. */
    private static boolean isNumberChar(String s, int i) {
        char c = s.charAt(i);
        if (Num.isDigit(c)) {
            return true;
        }
        return switch (c) {
            case '.', ',', ':', '/', '-', '~' -> i + 1 < s.length() && Num.isDigit(s.charAt(i + 1));
            case '%', '$', '\u20AC', '\u00A3', '\u00A5', '\u20A9', '\u20B9', '+', '#' -> true;
            default -> false;
        };
    }

    /** Copies the token at {@code i} unchanged: a run of letters and digits, or one char. */
    private int copyToken(int i, int limit) {
        char c = text.charAt(i);
        int end = i + 1;
        if (isLatinWordChar(c)) {
            // A number that no rule read ("1.2.3", "5G") is kept whole, separators and all, and so is a code
            // of letters and digits ("A12-345").
            boolean number = Num.isDigit(c);
            boolean digits = number;
            while (end < limit) {
                char d = text.charAt(end);
                boolean separator = ".,:/-".indexOf(d) >= 0 && end + 1 < limit;
                if (isLatinWordChar(d) || d == '_') {
                    digits |= Num.isDigit(d);
                    end++;
                } else if (separator && number && isNumberChar(text, end)) {
                    end++;
                } else if (separator && digits && d != ',' && isLatinWordChar(text.charAt(end + 1))) {
                    end++;
                } else {
                    break;
                }
            }
        } else if (Character.isHighSurrogate(c) && end < limit) {
            end++;
        }
        separateFrom(c);
        out.copy(in, i, end);
        pendingSpace = false;
        return end;
    }

    private void emit(int from, Reading reading) {
        String words = reading.text();
        if (!words.isEmpty()) {
            separateFrom(words.charAt(0));
            if (isLatinWordChar(words.charAt(0)) && isLatinWordChar(out.lastChar())) {
                out.insert(' ');
            }
        }
        out.replace(in, from, reading.end(), words);
        pendingSpace = !words.isEmpty() && isLatinWordChar(words.charAt(words.length() - 1));
    }

    /** Puts a space between a replacement that ended in a word and a word that follows it straight on. */
    private void separateFrom(char next) {
        if (pendingSpace && isLatinWordChar(next)) {
            out.insert(' ');
        }
        pendingSpace = false;
    }

    static boolean isLatinWordChar(char c) {
        return Character.isLetterOrDigit(c) && !Scripts.isCjk(c);
    }

    static boolean isLatinLetter(int cp) {
        return cp >= 0 && Character.isLetter(cp) && !Scripts.isCjk(cp);
    }

    /** Returns whether {@code cp} is a Han (or kana) letter, not CJK punctuation. */
    static boolean isHan(int cp) {
        return cp >= 0 && Scripts.isCjk(cp) && Character.isLetter(cp);
    }
}

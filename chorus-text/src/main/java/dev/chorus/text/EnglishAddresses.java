package dev.chorus.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * English readings of addresses: URLs, e-mail addresses and domain names, read mark by mark
 * ("chorus dot dev slash docs"), and phone numbers, read digit by digit.
 *
 * <p>One instance serves one text on one thread.
 */
final class EnglishAddresses {

    private static final Pattern PHONE_NANP = Pattern.compile(
            "(?:\\+1[ .-]?|1[ .-])?(?:\\(\\d{3}\\) ?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?![\\w])");
    private static final Pattern PHONE_INTL = Pattern.compile(
            "\\+\\d{1,3}(?:[ .-]\\(?\\d{1,4}\\)?){2,5}(?![\\w])");
    private static final Pattern PHONE_LOCAL = Pattern.compile("\\d{3}-\\d{4}(?![\\w]|-\\d)");
    private static final Pattern URL = Pattern.compile(
            "(?i:https?://|ftp://|www\\.)[^\\s<>\"'(){}\\[\\]]+");
    // Addresses are bounded as DNS and mail bound them (63-char labels, a 64-char local part) and to ten labels
    // before the last: a long run such as "a.a.a.a" then costs little at each of its letters, and the regex,
    // which recurses once per label, cannot overflow the stack.
    private static final int LONGEST_LOCAL_PART = 64;
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1," + LONGEST_LOCAL_PART + "}@"
            + "[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,10}\\.[A-Za-z]{2,63}(?![\\w])");
    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9-]{1,63}(?:\\.[a-z0-9-]{1,63}){0,10}\\.(?:com|org|net|edu|gov|io|dev|ai|app|info|biz)"
                    + "(?:/[^\\s<>\"'(){}\\[\\]]*)?(?![\\w])", Pattern.CASE_INSENSITIVE);

    private final String text;
    private final TextMatcher matcher;

    EnglishAddresses(TextMatcher matcher) {
        this.text = matcher.text();
        this.matcher = matcher;
    }

    /** Reads the phone number at {@code i}, or returns {@code null}. */
    Reading phone(int i) {
        Reading r = matcher.replace(PHONE_NANP, i, EnglishAddresses::phoneWords);
        if (r == null) {
            // A country code and a few digits are more likely a sum or a score than a phone number.
            r = matcher.replace(PHONE_INTL, i,
                    m -> PhoneNumbers.digitCount(m.group()) < 8 ? null : phoneWords(m));
        }
        if (r == null && Num.isDigit(text.charAt(i))) {
            r = matcher.replace(PHONE_LOCAL, i, EnglishAddresses::phoneWords);
        }
        return r;
    }

    /** Reads the URL, e-mail address or domain name at {@code i}, which starts with a letter, or returns null. */
    Reading address(int i) {
        char c = text.charAt(i);
        Reading r;
        if ((c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == 'f' || c == 'F')
                && (r = matcher.read(URL, i, m -> read(m.start(), trimUrl(m.start(), m.end())))) != null) {
            return r;
        }
        int local = i;
        boolean dot = false;
        int limit = Math.min(text.length(), i + LONGEST_LOCAL_PART + 1);
        while (local < limit && isAddressChar(text.charAt(local))) {
            dot |= text.charAt(local) == '.';
            local++;
        }
        if (local < text.length() && text.charAt(local) == '@'
                && (r = matcher.read(EMAIL, i, m -> read(i, m.end()))) != null) {
            return r;
        }
        if (dot) {
            return matcher.read(DOMAIN, i, m -> m.group().indexOf('.') > 0 ? read(i, trimUrl(i, m.end())) : null);
        }
        return null;
    }

    private static String phoneWords(MatchResult m) {
        return PhoneNumbers.words(m.group(), false);
    }

    private static boolean isAddressChar(char c) {
        return (c < 128 && Character.isLetterOrDigit(c)) || c == '.' || c == '_' || c == '%' || c == '+'
                || c == '-';
    }

    /** Leaves punctuation that ends the sentence out of a URL. */
    private int trimUrl(int start, int end) {
        while (end > start && ".,;:!?".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return end;
    }

    /** Reads the address at [start, end), or returns {@code null} for a scheme with nothing after it. */
    private Reading read(int start, int end) {
        String words = words(text.substring(start, end));
        return words.isEmpty() ? null : new Reading(end, words);
    }

    /**
     * Reads a URL or e-mail address: the scheme is left out, dots, slashes and other marks are named, digits are
     * read one by one and {@code www} is spelled. {@code https://chorus.dev/docs} is
     * "chorus dot dev slash docs".
     */
    private static String words(String address) {
        String s = address.replaceFirst("^(?i:https?|ftp)://", "");
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int j = i + 1;
            if (Character.isLetter(c)) {
                while (j < s.length() && Character.isLetter(s.charAt(j))) {
                    j++;
                }
                String word = s.substring(i, j);
                words.add(word.equalsIgnoreCase("www") ? "w w w" : word);
            } else if (Num.isDigit(c)) {
                while (j < s.length() && Num.isDigit(s.charAt(j))) {
                    j++;
                }
                words.add(EnglishNumbers.digits(s.substring(i, j)));
            } else {
                String name = switch (c) {
                    case '.' -> "dot";
                    case '/' -> "slash";
                    case '-' -> "dash";
                    case '_' -> "underscore";
                    case '@' -> "at";
                    case ':' -> "colon";
                    case '?' -> "question mark";
                    case '=' -> "equals";
                    case '&' -> "and";
                    case '#' -> "hash";
                    case '%' -> "percent";
                    case '+' -> "plus";
                    case '~' -> "tilde";
                    default -> String.valueOf(c);
                };
                words.add(name);
            }
            i = j;
        }
        return String.join(" ", words);
    }
}

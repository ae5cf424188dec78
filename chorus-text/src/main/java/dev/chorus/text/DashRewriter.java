package dev.chorus.text;

/**
 * Rewrites en dashes, em dashes, horizontal bars and ASCII {@code "--"} by what they mean in context: a hyphen
 * in ranges ({@code "3–5"}) and compounds ({@code "Paris–London"}), a comma pause between clauses
 * ({@code "He was—I think—tired"}), nothing where punctuation already pauses or no words follow.
 * Expects text whose whitespace is single spaces.
 */
final class DashRewriter {

    private DashRewriter() {
    }

    static MappedText rewrite(MappedText in) {
        String s = in.text();
        if (!containsDash(s)) {
            return in;
        }
        MappedText.Builder out = new MappedText.Builder(in.source(), s.length());
        int i = 0;
        while (i < s.length()) {
            int runEnd = dashRunEnd(s, i);
            if (runEnd == i) {
                out.copy(in, i, i + 1);
                i++;
                continue;
            }
            boolean spaceBefore = i > 0 && s.charAt(i - 1) == ' ';
            boolean spaceAfter = runEnd < s.length() && s.charAt(runEnd) == ' ';
            int prev = codePointBefore(s, spaceBefore ? i - 1 : i);
            int next = codePointAt(s, spaceAfter ? runEnd + 1 : runEnd);
            String replacement = replacement(s, i, runEnd, prev, next, spaceBefore, spaceAfter);
            if (replacement == null) {
                out.copy(in, i, runEnd);
                i = runEnd;
                continue;
            }
            int from = i;
            if (spaceBefore && !out.isEmpty() && out.lastChar() == ' ') {
                out.setLength(out.length() - 1);
                from = i - 1;
            }
            int to = spaceAfter ? runEnd + 1 : runEnd;
            out.replace(in, from, to, replacement);
            i = to;
        }
        return out.build();
    }

    /** Returns what replaces the dash run {@code [start, end)}, or {@code null} to keep it. */
    private static String replacement(String s, int start, int end, int prev, int next,
                                      boolean spaceBefore, boolean spaceAfter) {
        char dash = s.charAt(start);
        boolean ascii = dash == '-';
        int length = end - start;
        if (ascii && spaceBefore != spaceAfter) {
            return null; // "--verbose" is an option name, not a dash
        }
        if (prev < 0 || next < 0) {
            return ""; // a leading dialogue dash or a trailing break-off carries no words
        }
        boolean rangeDash = ascii ? length == 2 : length == 1;
        boolean tight = !spaceBefore && !spaceAfter;
        if (rangeDash && Character.isDigit(prev) && Character.isDigit(next)
                && (tight || dash == '\u2013' || ascii)) {
            return "-";
        }
        if (length == 1 && dash == '\u2013' && tight
                && Character.isLetterOrDigit(prev) && Character.isLetterOrDigit(next)) {
            return "-";
        }
        boolean cjk = Scripts.isCjk(prev) || Scripts.isCjk(next);
        if (isPause(prev)) {
            return cjk ? "" : " ";
        }
        if (isOpening(prev) || isPause(next) || isClosing(next)
                || (!spaceBefore && opensQuote(s, start - 1)) || (!spaceAfter && closesQuote(s, end))) {
            return "";
        }
        return cjk ? "," : ", ";
    }

    private static boolean containsDash(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isDash(c) || (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-')) {
                return true;
            }
        }
        return false;
    }

    private static int dashRunEnd(String s, int i) {
        char c = s.charAt(i);
        int j = i;
        if (isDash(c)) {
            while (j < s.length() && isDash(s.charAt(j))) {
                j++;
            }
        } else if (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-') {
            while (j < s.length() && s.charAt(j) == '-') {
                j++;
            }
        }
        return j;
    }

    private static boolean isDash(char c) {
        return c == '\u2013' || c == '\u2014' || c == '\u2015' || c == '\u2E3A' || c == '\u2E3B';
    }

    private static boolean isPause(int cp) {
        return ",;:.!?".indexOf(cp) >= 0 || cp == '\u3001' || cp == '\u3002';
    }

    // Straight quotes are left out on purpose: they open as often as they close.
    private static boolean isOpening(int cp) {
        int type = Character.getType(cp);
        return type == Character.START_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION;
    }

    private static boolean isClosing(int cp) {
        int type = Character.getType(cp);
        return type == Character.END_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION;
    }

    /** Returns whether the straight quote at {@code i}, if any, opens: it follows a space or the start. */
    private static boolean opensQuote(String s, int i) {
        return i >= 0 && isStraightQuote(s.charAt(i)) && (i == 0 || s.charAt(i - 1) == ' ');
    }

    /** Returns whether the straight quote at {@code i}, if any, closes: a space, mark or the end follows. */
    private static boolean closesQuote(String s, int i) {
        if (i >= s.length() || !isStraightQuote(s.charAt(i))) {
            return false;
        }
        return i + 1 == s.length() || s.charAt(i + 1) == ' ' || isPause(s.charAt(i + 1));
    }

    private static boolean isStraightQuote(char c) {
        return c == '"' || c == '\'';
    }

    private static int codePointBefore(String s, int index) {
        return index > 0 ? s.codePointBefore(index) : -1;
    }

    private static int codePointAt(String s, int index) {
        return index < s.length() ? s.codePointAt(index) : -1;
    }
}

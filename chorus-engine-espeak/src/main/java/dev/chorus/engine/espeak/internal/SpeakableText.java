package dev.chorus.engine.espeak.internal;

import java.util.Arrays;

/**
 * The text handed to eSpeak, and the map from eSpeak's text positions (code points, from 0 here) back to UTF-16
 * indices into the caller's text.
 *
 * <p>Why it differs from the caller's text: eSpeak NG 1.51 corrupts memory on some inputs (with the Hindi voice,
 * "❤️", "👍🏽" or "🔥?" crash the process about half the time), which in-process would take the JVM down.
 * The triggers found with common text are defused here, without changing what is heard:
 * <ul>
 *   <li>characters that only select a glyph are left out: variation selectors, emoji skin-tone modifiers, tag
 *       characters (flag sequences), and combining marks that do not follow a letter;</li>
 *   <li>a symbol directly followed by punctuation gets a space in between;</li>
 *   <li>unassigned and private-use code points become spaces.</li>
 * </ul>
 * A lone surrogate, which UTF-8 cannot carry, becomes {@code '?'} as the encoder would make it. Rarer inputs can
 * still crash that eSpeak version (see the module's README).
 */
final class SpeakableText {

    private final String original;
    private final String speakable;
    private final int[] starts;

    private SpeakableText(String original, String speakable, int[] starts) {
        this.original = original;
        this.speakable = speakable;
        this.starts = starts;
    }

    /** Prepares {@code original} for eSpeak. */
    static SpeakableText of(String original) {
        StringBuilder kept = new StringBuilder(original.length() + 8);
        int[] starts = new int[2 * original.length() + 1];
        int count = 0;
        boolean afterLetter = false;
        int symbolAt = -1;
        for (int i = 0; i < original.length(); ) {
            int cp = original.codePointAt(i);
            int type = Character.getType(cp);
            boolean mark = type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK;
            if (!isGlyphSelector(cp) && (!mark || afterLetter)) {
                if (symbolAt >= 0 && type == Character.OTHER_PUNCTUATION) {
                    // The inserted space belongs to the symbol, so a word ending there ends with the symbol.
                    starts[count++] = symbolAt;
                    kept.append(' ');
                }
                starts[count++] = i;
                kept.appendCodePoint(Character.isSurrogate((char) cp) ? '?' : meaningless(type) ? ' ' : cp);
                afterLetter = mark ? afterLetter : Character.isLetter(cp);
                symbolAt = isSymbol(type) ? i : mark ? symbolAt : -1;
            }
            i += Character.charCount(cp);
        }
        starts[count] = original.length();
        return new SpeakableText(original, kept.toString(), Arrays.copyOf(starts, count + 1));
    }

    /** Returns the caller's text. */
    String original() {
        return original;
    }

    /** Returns the text to give eSpeak. */
    String speakable() {
        return speakable;
    }

    /** Returns how many code points {@link #speakable()} has. */
    int codePoints() {
        return starts.length - 1;
    }

    /** Returns the UTF-16 index in the original text of speakable code point {@code cp}, clamped to the text. */
    int start(int cp) {
        return starts[Math.clamp(cp, 0, starts.length - 1)];
    }

    /** Returns the UTF-16 index in the original text just past speakable code points {@code [0, cp)}. */
    int end(int cp) {
        int last = Math.clamp(cp, 0, starts.length - 1) - 1;
        return last < 0 ? 0 : starts[last] + Character.charCount(original.codePointAt(starts[last]));
    }

    private static boolean meaningless(int type) {
        return type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }

    private static boolean isSymbol(int type) {
        return type == Character.OTHER_SYMBOL || type == Character.MATH_SYMBOL || type == Character.MODIFIER_SYMBOL
                || type == Character.CURRENCY_SYMBOL;
    }

    private static boolean isGlyphSelector(int cp) {
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF)
                || (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0000 && cp <= 0xE007F);
    }
}

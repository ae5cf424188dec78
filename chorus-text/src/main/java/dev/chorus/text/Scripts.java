package dev.chorus.text;

/** Character classes the chunker and normalizer share. */
final class Scripts {

    private Scripts() {
    }

    /**
     * Returns whether {@code cp} belongs to writing that puts no spaces between words (Chinese, Japanese), where
     * a break between any two characters is acceptable.
     */
    static boolean isCjk(int cp) {
        if (cp < 0x2E80) {
            return false;
        }
        // CJK symbols and punctuation (。、「」) and full-width forms count too: they sit inside such text.
        if ((cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF)) {
            return true;
        }
        return switch (Character.UnicodeScript.of(cp)) {
            case HAN, HIRAGANA, KATAKANA, BOPOMOFO -> true;
            default -> false;
        };
    }
}

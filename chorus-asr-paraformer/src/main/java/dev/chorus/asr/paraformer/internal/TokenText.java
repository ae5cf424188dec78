package dev.chorus.asr.paraformer.internal;

import dev.chorus.asr.RecognizedWord;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns decoded tokens into words: BPE pieces ending in {@code @@} join the piece after them ({@code hel@@ lo} is
 * {@code hello}); a run of tokens of CJK characters is one word ({@code 你 好} is {@code 你好}: Chinese is written
 * without spaces, so content rules see the phrase as written, and {@link dev.chorus.asr.ScoringText} still scores it
 * per character); other tokens are words of their own. Special symbols ({@code <blank>}, {@code <unk>}, ...) are
 * dropped. A word spans its tokens' times; its confidence is their mean.
 */
final class TokenText {

    private TokenText() {
    }

    /** One decoded token with its times and probability. */
    record Token(String symbol, long startMillis, long endMillis, double confidence) {
    }

    /** Returns the words of {@code tokens}, in order. */
    static List<RecognizedWord> words(List<Token> tokens) {
        List<RecognizedWord> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        long start = 0;
        long end = 0;
        double confidence = 0;
        int pieces = 0;
        boolean open = false; // the word so far ends in @@ and takes the next piece
        boolean cjk = false;  // the word so far is a run of CJK characters
        for (Token t : tokens) {
            String s = t.symbol();
            if (s.isEmpty() || (s.startsWith("<") && s.endsWith(">"))) {
                continue;
            }
            boolean continues = s.endsWith("@@") && s.length() > 2;
            String text = continues ? s.substring(0, s.length() - 2) : s;
            boolean isCjk = isCjk(text);
            boolean joins = pieces > 0 && (open || (cjk && isCjk));
            if (!joins && pieces > 0) {
                emit(out, word, start, end, confidence / pieces);
                pieces = 0;
                confidence = 0;
            }
            if (pieces == 0) {
                start = t.startMillis();
            }
            word.append(text);
            end = Math.max(start, t.endMillis());
            confidence += t.confidence();
            pieces++;
            open = continues;
            cjk = isCjk && !continues;
        }
        if (pieces > 0) {
            emit(out, word, start, end, confidence / pieces);
        }
        return out;
    }

    private static void emit(List<RecognizedWord> out, StringBuilder word, long start, long end, double confidence) {
        if (!word.toString().isBlank()) {
            out.add(new RecognizedWord(word.toString(), start, end, Math.clamp(confidence, 0.0, 1.0)));
        }
        word.setLength(0);
    }

    /** Tells whether {@code text} is written in CJK characters (Han, kana), which take no spaces. */
    static boolean isCjk(String text) {
        if (text.isEmpty()) {
            return false;
        }
        return text.codePoints().allMatch(cp -> {
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                    || script == Character.UnicodeScript.KATAKANA;
        });
    }
}

package dev.chorus.engine.espeak.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpeakableTextTest {

    @Test
    void mapsCodePointsToUtf16IndicesAcrossSurrogatePairs() {
        String text = "a😀b\uD800c";
        SpeakableText s = SpeakableText.of(text);

        assertThat(s.speakable()).isEqualTo("a😀b?c");
        assertThat(s.codePoints()).isEqualTo(5);
        assertThat(s.start(0)).isZero();
        assertThat(s.start(1)).isEqualTo(1);
        assertThat(s.start(2)).isEqualTo(3);
        assertThat(s.start(4)).isEqualTo(5);
        assertThat(s.start(5)).isEqualTo(text.length());
        assertThat(s.start(99)).isEqualTo(text.length());
        assertThat(s.end(2)).isEqualTo(3);
        assertThat(s.end(0)).isZero();
    }

    @Test
    void leavesOutGlyphSelectorsAndMarksWithoutALetterButKeepsRealDiacritics() {
        String text = "❤️ 👍🏽 1️⃣ 🏴\uDB40\uDC67\uDB40\uDC62\uDB40\uDC7F 🐰〫 nai\u0308ve नमस्ते";
        SpeakableText s = SpeakableText.of(text);

        assertThat(s.speakable()).isEqualTo("❤ 👍 1 🏴 🐰 nai\u0308ve नमस्ते");
        // "👍" is speakable code point 2; its original range ends before the skin-tone modifier.
        assertThat(s.start(2)).isEqualTo(text.indexOf("👍"));
        assertThat(s.end(3)).isEqualTo(text.indexOf("👍") + 2);
        int naive = s.speakable().codePointCount(0, s.speakable().indexOf("nai"));
        assertThat(text.substring(s.start(naive), s.end(naive + 6))).isEqualTo("nai\u0308ve");
    }

    @Test
    void spacesASymbolFromPunctuationRightAfterIt() {
        String text = "Great 🔥! OK™, fine.";
        SpeakableText s = SpeakableText.of(text);

        assertThat(s.speakable()).isEqualTo("Great 🔥 ! OK™ , fine.");
        int space = s.speakable().codePointCount(0, s.speakable().indexOf(" !"));
        assertThat(s.start(space)).isEqualTo(text.indexOf("🔥"));
        assertThat(s.start(space + 1)).isEqualTo(text.indexOf("!"));
    }
}

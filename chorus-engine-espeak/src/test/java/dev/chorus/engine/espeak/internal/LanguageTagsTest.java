package dev.chorus.engine.espeak.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class LanguageTagsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "en-us, en-US",
            "de, de",
            "en-029, en-029",
            "es-419, es-419",
            "cmn-latn-pinyin, cmn-Latn-pinyin",
            "yue-latn-jyutping, yue-Latn-jyutping",
            "en-gb-scotland, en-GB-scotland",
            "en-gb-x-gbclan, en-GB-x-gbclan",
            "vi-vn-x-central, vi-VN-x-central",
            "chr-us-qaaa-x-west, chr-Qaaa-US-x-west",
            "en-us-nyc, en-US-x-nyc",
            "fa-latn, fa-Latn",
            "piqd, piqd",
    })
    void producesWellFormedBcp47(String espeak, String bcp47) {
        assertThat(LanguageTags.toBcp47(espeak)).isEqualTo(bcp47);
        assertThat(new Locale.Builder().setLanguageTag(bcp47).build().getLanguage()).isNotEmpty();
    }
}

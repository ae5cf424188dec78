package dev.chorus.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LanguageTagsTest {

    @Test
    void aTagMatchesItselfAndItsMoreSpecificForms() {
        assertThat(EngineRegistry.languageMatches("en-GB", "en")).isTrue();
        assertThat(EngineRegistry.languageMatches("en-GB", "EN_gb")).isTrue();
        assertThat(EngineRegistry.languageMatches("en", "en-GB")).isFalse();
        assertThat(EngineRegistry.languageMatches("eng", "en")).isFalse();
        assertThat(EngineRegistry.languageMatches("de-DE", "en")).isFalse();
    }

    @Test
    void aMacrolanguageFindsItsIndividualLanguagesAndBack() {
        assertThat(EngineRegistry.languageMatches("cmn", "zh")).isTrue();
        assertThat(EngineRegistry.languageMatches("cmn-Latn-pinyin", "zh")).isTrue();
        assertThat(EngineRegistry.languageMatches("yue", "zh")).isTrue();
        assertThat(EngineRegistry.languageMatches("zh-CN", "cmn")).isTrue();
        // sherpa-onnx's Chinese VITS and MeloTTS voices are tagged plain zh: asked for Mandarin, they answer.
        assertThat(EngineRegistry.languageMatches("zh", "cmn")).isTrue();
        assertThat(EngineRegistry.languageMatches("nb", "no")).isTrue();
        assertThat(EngineRegistry.languageMatches("cmn", "zh-TW")).isFalse();
        assertThat(EngineRegistry.languageMatches("cmn-TW", "zh-TW")).isTrue();
        assertThat(EngineRegistry.languageMatches("yue", "cmn")).isFalse();
        assertThat(EngineRegistry.languageMatches("de", "zh")).isFalse();
    }
}

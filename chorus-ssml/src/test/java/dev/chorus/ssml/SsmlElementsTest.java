package dev.chorus.ssml;

import static dev.chorus.ssml.SsmlAssertions.assertRejected;
import static dev.chorus.ssml.SsmlAssertions.onlyText;
import static dev.chorus.ssml.SsmlAssertions.parse;
import static dev.chorus.ssml.SsmlAssertions.source;
import static dev.chorus.ssml.SsmlAssertions.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.ssml.Segment.Boundary;
import dev.chorus.ssml.Segment.Boundary.Kind;
import dev.chorus.tts.Gender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every supported element and attribute. */
class SsmlElementsTest {

    private static final Boundary PARAGRAPH = new Boundary(Kind.PARAGRAPH);
    private static final Boundary SENTENCE = new Boundary(Kind.SENTENCE);

    // <speak>

    @Test
    void speakAcceptsVersionNamespaceAndLanguage() {
        String ssml = "<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:schemaLocation=\"http://www.w3.org/2001/10/synthesis synthesis.xsd\""
                + " xml:lang=\"en-GB\" xml:base=\"http://example.com/\">Hi</speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.language()).isEqualTo("en-GB");
        assertThat(doc.texts().getFirst().style().language()).isEqualTo("en-GB");
        assertThat(doc.warnings()).isEmpty();
        assertThat(parse("<speak version=\"1.0\">x</speak>").texts()).hasSize(1);
    }

    @Test
    void prefixedSpeakInTheSsmlNamespaceWorks() {
        String ssml = "<ssml:speak xmlns:ssml=\"http://www.w3.org/2001/10/synthesis\">a<ssml:break/>b</ssml:speak>";
        assertThat(parse(ssml).segments()).extracting(Object::getClass)
                .containsExactly(Segment.Text.class, Segment.Break.class, Segment.Text.class);
    }

    @Test
    void speakRejectsAnUnknownVersionAndNesting() {
        assertRejected("<speak version=\"2.0\"/>",
                "SSML line 1, column 1: <speak> version \"2.0\" is not supported (expected: 1.0 or 1.1)");
        assertRejected("<speak><speak/></speak>", "SSML line 1, column 8: <speak> may only be the root element");
    }

    // <p>, <s>

    @Test
    void paragraphsAndSentencesEmitBoundariesAtTheirEnd() {
        String ssml = "<speak><p><s>One.</s><s>Two.</s></p><p>Three.</p></speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.segments()).hasSize(6);
        assertThat(doc.segments().get(1)).isEqualTo(SENTENCE);
        assertThat(doc.segments().get(3)).isEqualTo(PARAGRAPH);
        assertThat(doc.segments().get(5)).isEqualTo(PARAGRAPH);
        assertThat(doc.texts()).extracting(Segment.Text::text).containsExactly("One.", "Two.", "Three.");
    }

    @Test
    void aBoundaryOpensAParagraphOrSentenceWhenTextPrecedesIt() {
        String ssml = "<speak>Intro <paragraph>Body</paragraph> outro <sentence>End</sentence></speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.segments()).extracting(s -> s instanceof Segment.Text t ? t.text() : s)
                .containsExactly("Intro ", PARAGRAPH, "Body", PARAGRAPH, " outro ", SENTENCE, "End", SENTENCE);
    }

    @Test
    void textBeforeASentenceInsideAParagraphIsCutAtTheSentence() {
        String ssml = "<speak><p>Lead-in <s>Sentence.</s></p></speak>";
        assertThat(parse(ssml).segments()).extracting(s -> s instanceof Segment.Text t ? t.text() : s)
                .containsExactly("Lead-in ", SENTENCE, "Sentence.", PARAGRAPH);
    }

    @Test
    void paragraphsAndSentencesSetTheLanguage() {
        List<Segment.Text> texts = texts("<speak xml:lang=\"en\"><p xml:lang=\"fr\">Bonjour <s xml:lang=\"de\">Hallo"
                + "</s></p>Hi</speak>");
        assertThat(texts).extracting(t -> t.style().language()).containsExactly("fr", "de", "en");
    }

    @Test
    void paragraphsAndSentencesFollowTheSsmlContentModel() {
        assertRejected("<speak><p><p>x</p></p></speak>", "SSML line 1, column 11: <p> cannot be inside <p>");
        assertRejected("<speak><s><p>x</p></s></speak>", "SSML line 1, column 11: <p> cannot be inside <s>");
        assertRejected("<speak><s><emphasis><sentence>x</sentence></emphasis></s></speak>",
                "SSML line 1, column 21: <sentence> cannot be inside <s>");
    }

    // <break>

    @ParameterizedTest
    @CsvSource({
        "time=\"500ms\", 500",
        "time=\"2s\", 2000",
        "time=\"1.5s\", 1500",
        "time=\"0.25s\", 250",
        "time=\" 10s \", 10000",
        "time=\"0ms\", 0",
        "strength=\"none\", 0",
        "strength=\"x-weak\", 100",
        "strength=\"weak\", 250",
        "strength=\"medium\", 400",
        "strength=\"strong\", 750",
        "strength=\"x-strong\", 1200",
        "'', 400",
        "time=\"300ms\" strength=\"x-strong\", 300",
    })
    void breakLengthComesFromTimeOrStrength(String attributes, long millis) {
        String ssml = "<speak>a<break " + attributes + "/>b</speak>";
        SsmlDocument doc = parse(ssml);
        Segment.Break pause = (Segment.Break) doc.segments().get(1);
        assertThat(pause.millis()).isEqualTo(millis);
        assertThat(source(ssml, pause)).isEqualTo("<break " + attributes + "/>");
    }

    @Test
    void breakWithAnEndTagCoversBothTags() {
        String ssml = "<speak>a<break time=\"1s\">\n</break>b</speak>";
        Segment.Break pause = (Segment.Break) parse(ssml).segments().get(1);
        assertThat(source(ssml, pause)).isEqualTo("<break time=\"1s\">\n</break>");
    }

    @Test
    void breakRejectsBadValuesAndContent() {
        assertRejected("<speak><break time=\"fast\"/></speak>", "SSML line 1, column 8: <break> time \"fast\" is not"
                + " a valid time (expected: a non-negative duration such as 500ms or 2s)");
        assertRejected("<speak><break time=\"-1s\"/></speak>", "SSML line 1, column 8: <break> time \"-1s\" is not"
                + " a valid time (expected: a non-negative duration such as 500ms or 2s)");
        assertRejected("<speak><break time=\"1\"/></speak>", "SSML line 1, column 8: <break> time \"1\" is not"
                + " a valid time (expected: a non-negative duration such as 500ms or 2s)");
        assertRejected("<speak><break strength=\"huge\"/></speak>", "SSML line 1, column 8: <break> strength"
                + " \"huge\" is not a valid strength (expected: none, x-weak, weak, medium, strong or x-strong)");
        assertRejected("<speak><break>pause</break></speak>",
                "SSML line 1, column 8: <break> must be empty, but contains text");
        assertRejected("<speak><break><mark name=\"m\"/></break></speak>",
                "SSML line 1, column 15: <break> must be empty, but contains <mark>");
        assertRejected("<speak><break duration=\"1s\"/></speak>",
                "SSML line 1, column 8: <break> has no attribute duration (expected: strength, time)");
    }

    @Test
    void whitespaceAroundABreakIsKeptInTheNeighbouringText() {
        String ssml = "<speak>one <break/> two</speak>";
        assertThat(texts(ssml)).extracting(Segment.Text::text).containsExactly("one ", " two");
    }

    // <prosody>

    @ParameterizedTest
    @CsvSource({
        "x-slow, 0.5", "slow, 0.75", "medium, 1.0", "fast, 1.25", "x-fast, 1.75", "default, 1.0",
        "150%, 1.5", "50%, 0.5", "+20%, 1.2", "-20%, 0.8", "1.5, 1.5", "0.5, 0.5", "2, 2.0", "400%, 4.0",
        "25%, 0.25",
    })
    void prosodyRateIsAMultiplier(String rate, double expected) {
        Segment.Text text = onlyText("<speak><prosody rate=\"" + rate + "\">x</prosody></speak>");
        assertThat(text.style().rate()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void nestedProsodyRatesMultiplyAndDefaultResets() {
        List<Segment.Text> texts = texts("<speak><prosody rate=\"slow\">a<prosody rate=\"200%\">b"
                + "<prosody rate=\"default\">c</prosody></prosody></prosody></speak>");
        assertThat(texts).extracting(t -> t.style().rate()).containsExactly(0.75, 1.5, 1.0);
    }

    @Test
    void prosodyRateOutOfRangeOrInvalidIsAnError() {
        assertRejected("<speak>\n  <prosody rate=\"x-fast\"><prosody rate=\"x-fast\"><prosody rate=\"x-fast\">x"
                        + "</prosody></prosody></prosody></speak>",
                "SSML line 2, column 49: <prosody> rate \"x-fast\" gives a speaking rate of 5.36 (expected: 0.25"
                        + " to 4)");
        assertRejected("<speak><prosody rate=\"10%\">x</prosody></speak>",
                "SSML line 1, column 8: <prosody> rate \"10%\" gives a speaking rate of 0.1 (expected: 0.25 to 4)");
        assertRejected("<speak><prosody rate=\"-100%\">x</prosody></speak>",
                "SSML line 1, column 8: <prosody> rate \"-100%\" gives a speaking rate of 0 (expected: 0.25 to 4)");
        assertRejected("<speak><prosody rate=\"quick\">x</prosody></speak>",
                "SSML line 1, column 8: <prosody> rate \"quick\" is not a valid rate (expected: x-slow, slow,"
                        + " medium, fast, x-fast, default, a percentage such as 150% or +20%, or a number such as"
                        + " 1.5)");
    }

    @ParameterizedTest
    @CsvSource({
        "x-low, -6", "low, -3", "medium, 0", "high, 3", "x-high, 6", "default, 0",
        "+2st, 2", "-3st, -3", "2.5st, 2.5", "+0st, 0",
        "+10%, 1.650", "-10%, -1.824", "+50Hz, 3.863", "-50Hz, -4.980", "400Hz, 12", "100Hz, -12",
    })
    void prosodyPitchIsInSemitones(String pitch, double expected) {
        Segment.Text text = onlyText("<speak><prosody pitch=\"" + pitch + "\">x</prosody></speak>");
        assertThat(text.style().pitchSemitones()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void nestedPitchShiftsAdd() {
        List<Segment.Text> texts = texts("<speak><prosody pitch=\"high\">a<prosody pitch=\"+2st\">b"
                + "<prosody pitch=\"default\">c</prosody></prosody></prosody></speak>");
        assertThat(texts).extracting(t -> t.style().pitchSemitones()).containsExactly(3.0, 5.0, 0.0);
    }

    @Test
    void prosodyPitchOutOfRangeOrInvalidIsAnError() {
        assertRejected("<speak><prosody pitch=\"x-high\"><prosody pitch=\"+7st\">x</prosody></prosody></speak>",
                "SSML line 1, column 32: <prosody> pitch \"+7st\" gives a pitch shift of +13 semitones (expected:"
                        + " -12 to +12)");
        assertRejected("<speak><prosody pitch=\"-100%\">x</prosody></speak>",
                "SSML line 1, column 8: <prosody> pitch \"-100%\" gives a pitch shift of -infinity semitones"
                        + " (expected: -12 to +12)");
        assertRejected("<speak><prosody pitch=\"shrill\">x</prosody></speak>",
                "SSML line 1, column 8: <prosody> pitch \"shrill\" is not a valid pitch (expected: x-low, low,"
                        + " medium, high, x-high, default, or a change such as +2st, -10% or +50Hz)");
    }

    @ParameterizedTest
    @CsvSource({
        "x-soft, -12", "soft, -6", "medium, 0", "loud, 6", "x-loud, 10", "default, 0",
        "+6dB, 6", "-3dB, -3", "+20dB, 20", "-40.5dB, -40.5", "3db, 3",
    })
    void prosodyVolumeIsInDecibels(String volume, double expected) {
        Segment.Text text = onlyText("<speak><prosody volume=\"" + volume + "\">x</prosody></speak>");
        assertThat(text.style().volumeDb()).isEqualTo(expected);
        assertThat(text.style().isSilent()).isFalse();
    }

    @Test
    void silentVolumeIsNegativeInfinityAndStaysSilentWhenNested() {
        List<Segment.Text> texts = texts("<speak><prosody volume=\"silent\">a<prosody volume=\"+6dB\">b"
                + "<prosody volume=\"default\">c</prosody></prosody></prosody></speak>");
        assertThat(texts).extracting(Segment.Text::text).containsExactly("ab", "c");
        assertThat(texts).extracting(t -> t.style().volumeDb()).containsExactly(Double.NEGATIVE_INFINITY, 0.0);
        assertThat(texts.getFirst().style().isSilent()).isTrue();
    }

    @Test
    void nestedVolumesAddUpToTheLimit() {
        assertThat(onlyText("<speak><prosody volume=\"x-loud\"><prosody volume=\"x-loud\">x</prosody></prosody>"
                + "</speak>").style().volumeDb()).isEqualTo(20.0);
        assertRejected("<speak><prosody volume=\"x-loud\"><prosody volume=\"+11dB\">x</prosody></prosody></speak>",
                "SSML line 1, column 33: <prosody> volume \"+11dB\" gives a volume of +21dB (expected: at most"
                        + " +20dB)");
        assertRejected("<speak><prosody volume=\"50%\">x</prosody></speak>",
                "SSML line 1, column 8: <prosody> volume \"50%\" is not a valid volume (expected: silent, x-soft,"
                        + " soft, medium, loud, x-loud, default, or a change such as +6dB or -3dB)");
    }

    @Test
    void prosodyCombinesAttributesAndWarnsAboutDuration() {
        String ssml = "<speak>\n<prosody rate=\"fast\" pitch=\"low\" volume=\"soft\" duration=\"2s\">x</prosody>"
                + "</speak>";
        SsmlDocument doc = parse(ssml);
        Style style = doc.texts().getFirst().style();
        assertThat(style.rate()).isEqualTo(1.25);
        assertThat(style.pitchSemitones()).isEqualTo(-3.0);
        assertThat(style.volumeDb()).isEqualTo(-6.0);
        assertThat(doc.warnings()).containsExactly(
                "<prosody> at line 2, column 1 has a duration attribute, which is not supported; it is ignored");
    }

    @Test
    void prosodyWarnsAboutContourAndRange() {
        SsmlDocument doc = parse("<speak><prosody contour=\"(0%,+20Hz)\" range=\"x-high\">x</prosody></speak>");
        assertThat(doc.texts().getFirst().style()).isEqualTo(Style.DEFAULT);
        assertThat(doc.warnings()).containsExactlyInAnyOrder(
                "<prosody> at line 1, column 8 has a contour attribute, which is not supported; it is ignored",
                "<prosody> at line 1, column 8 has a range attribute, which is not supported; it is ignored");
    }

    // <emphasis>

    @ParameterizedTest
    @CsvSource({
        "level=\"strong\", strong, 0.9, 3.0",
        "level=\"moderate\", moderate, 0.95, 1.5",
        "'', moderate, 0.95, 1.5",
        "level=\"reduced\", reduced, 1.05, -2.0",
        "level=\"none\", none, 1.0, 0.0",
    })
    void emphasisIsApproximatedWithRateAndVolume(String attribute, String level, double rate, double volume) {
        Style style = onlyText("<speak><emphasis " + attribute + ">x</emphasis></speak>").style();
        assertThat(style.emphasis()).isEqualTo(level);
        assertThat(style.rate()).isCloseTo(rate, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(style.volumeDb()).isEqualTo(volume);
    }

    @Test
    void emphasisStaysWithinTheProsodyLimits() {
        Style style = onlyText("<speak><prosody rate=\"25%\" volume=\"+20dB\"><emphasis level=\"strong\">x"
                + "</emphasis></prosody></speak>").style();
        assertThat(style.rate()).isEqualTo(0.25);
        assertThat(style.volumeDb()).isEqualTo(20.0);
    }

    @Test
    void emphasisRejectsAnUnknownLevel() {
        assertRejected("<speak><emphasis level=\"loud\">x</emphasis></speak>", "SSML line 1, column 8: <emphasis>"
                + " level \"loud\" is not a valid level (expected: strong, moderate, reduced or none)");
    }

    // <say-as>

    @Test
    void sayAsCarriesItsAttributesAndCoversItsContent() {
        String ssml = "<speak>On <say-as interpret-as=\"date\" format=\"mdy\" detail=\"1\">12/25/2025</say-as>.</speak>";
        List<Segment.Text> texts = texts(ssml);
        assertThat(texts).extracting(Segment.Text::text).containsExactly("On ", "12/25/2025", ".");
        assertThat(texts.get(1).style().sayAs()).isEqualTo(new SayAs("date", "mdy", "1"));
        assertThat(source(ssml, texts.get(1))).isEqualTo("12/25/2025");
        assertThat(texts.get(0).style().sayAs()).isNull();
    }

    @Test
    void adjacentSayAsElementsStaySeparate() {
        String ssml = "<speak><say-as interpret-as=\"characters\">ab</say-as><say-as interpret-as=\"characters\">"
                + "cd</say-as></speak>";
        assertThat(texts(ssml)).extracting(Segment.Text::text).containsExactly("ab", "cd");
    }

    @Test
    void sayAsMayHoldCommentsAndEntitiesButNoElements() {
        String ssml = "<speak><say-as interpret-as=\"characters\">A<!-- x -->&amp;B</say-as></speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEqualTo("A&B");
        assertThat(source(ssml, text)).isEqualTo("A<!-- x -->&amp;B");
        assertRejected("<speak><say-as interpret-as=\"date\">1<break/>2</say-as></speak>",
                "SSML line 1, column 37: <say-as> may contain only text, not <break>");
        assertRejected("<speak><say-as format=\"mdy\">1</say-as></speak>",
                "SSML line 1, column 8: <say-as> needs an interpret-as attribute");
        assertRejected("<speak><say-as interpret-as=\" \">1</say-as></speak>",
                "SSML line 1, column 8: <say-as> interpret-as is empty (expected: a type such as characters)");
    }

    @Test
    void emptySayAsSaysNothing() {
        assertThat(parse("<speak><say-as interpret-as=\"date\"/></speak>").segments()).isEmpty();
    }

    // <sub>

    @Test
    void subSpeaksTheAliasAndCoversTheWholeElement() {
        String ssml = "<speak>The <sub alias=\"World Wide Web Consortium\">W3C</sub> says</speak>";
        List<Segment.Text> texts = texts(ssml);
        assertThat(texts).extracting(Segment.Text::text)
                .containsExactly("The ", "World Wide Web Consortium", " says");
        Segment.Text sub = texts.get(1);
        assertThat(sub.style().substitutedFrom()).isEqualTo("W3C");
        assertThat(source(ssml, sub)).isEqualTo("<sub alias=\"World Wide Web Consortium\">W3C</sub>");
    }

    @Test
    void subNeedsAnAliasAndHoldsOnlyText() {
        assertRejected("<speak><sub>W3C</sub></speak>", "SSML line 1, column 8: <sub> needs an alias attribute");
        assertRejected("<speak><sub alias=\"x\"><emphasis>y</emphasis></sub></speak>",
                "SSML line 1, column 23: <sub> may contain only text, not <emphasis>");
    }

    // <phoneme>

    @Test
    void phonemeKeepsTheTextAsFallbackAndCarriesIpa() {
        String ssml = "<speak>You say <phoneme alphabet=\"ipa\" ph=\"təˈmɑːtəʊ\">tomato</phoneme>.</speak>";
        Segment.Text text = texts(ssml).get(1);
        assertThat(text.text()).isEqualTo("tomato");
        assertThat(text.style().phoneme()).isEqualTo("təˈmɑːtəʊ");
        assertThat(text.style().alphabet()).isEqualTo("ipa");
        assertThat(source(ssml, text)).isEqualTo("tomato");
    }

    @Test
    void phonemeAlphabetDefaultsToIpa() {
        Segment.Text text = onlyText("<speak><phoneme ph=\"pɪˈkɑːn\">pecan</phoneme></speak>");
        assertThat(text.style().alphabet()).isEqualTo("ipa");
        assertThat(text.style().phoneme()).isEqualTo("pɪˈkɑːn");
    }

    @Test
    void xSampaIsConvertedToIpa() {
        Segment.Text text = onlyText("<speak><phoneme alphabet=\"x-sampa\" ph=\"t@&quot;mA:t@U\">tomato</phoneme>"
                + "</speak>");
        assertThat(text.style().phoneme()).isEqualTo("təˈmɑːtəʊ");
        assertThat(text.style().alphabet()).isEqualTo("x-sampa");
        assertThat(onlyText("<speak><phoneme alphabet=\"x-sampa\" ph=\"r\\ eI_0 tS\">x</phoneme></speak>")
                .style().phoneme()).isEqualTo("ɹ eɪ̥ tʃ");
    }

    @Test
    void phonemeWithoutFallbackTextCoversTheElement() {
        String ssml = "<speak><phoneme ph=\"a\"/></speak>";
        Segment.Text text = onlyText(ssml);
        assertThat(text.text()).isEmpty();
        assertThat(source(ssml, text)).isEqualTo("<phoneme ph=\"a\"/>");
        assertThat(parse(ssml).hasSpeech()).isTrue();
    }

    @Test
    void phonemeRejectsMissingPhUnknownAlphabetsAndBadXSampa() {
        assertRejected("<speak><phoneme>x</phoneme></speak>", "SSML line 1, column 8: <phoneme> needs a ph attribute");
        assertRejected("<speak><phoneme ph=\" \">x</phoneme></speak>",
                "SSML line 1, column 8: <phoneme> ph is empty (expected: a pronunciation)");
        assertRejected("<speak><phoneme alphabet=\"arpabet\" ph=\"T AH0\">x</phoneme></speak>",
                "SSML line 1, column 8: <phoneme> alphabet \"arpabet\" is not supported (expected: ipa or x-sampa)");
        assertRejected("<speak><phoneme alphabet=\"x-sampa\" ph=\"t0\">x</phoneme></speak>",
                "SSML line 1, column 8: <phoneme> ph \"t0\" has \"0\", which is not an X-SAMPA symbol");
        assertRejected("<speak><phoneme ph=\"a\"><sub alias=\"b\">c</sub></phoneme></speak>",
                "SSML line 1, column 24: <phoneme> may contain only text, not <sub>");
    }

    // <voice>

    @Test
    void voiceSetsNameGenderLanguagesAndLanguage() {
        String ssml = "<speak><voice name=\"en_US-amy\" gender=\"Female\" xml:lang=\"en-US\" languages=\"en-US  fr\">"
                + "a<voice gender=\"male\">b</voice></voice>c</speak>";
        List<Segment.Text> texts = texts(ssml);
        Style outer = texts.get(0).style();
        assertThat(outer.voice()).isEqualTo("en_US-amy");
        assertThat(outer.voiceGender()).isEqualTo(Gender.FEMALE);
        assertThat(outer.voiceLanguages()).isEqualTo("en-US fr");
        assertThat(outer.language()).isEqualTo("en-US");
        Style inner = texts.get(1).style();
        assertThat(inner.voice()).isEqualTo("en_US-amy");
        assertThat(inner.voiceGender()).isEqualTo(Gender.MALE);
        assertThat(texts.get(2).style()).isEqualTo(Style.DEFAULT);
    }

    @Test
    void voiceWarnsAboutSelectionAttributesItIgnores() {
        SsmlDocument doc = parse("<speak><voice age=\"30\" variant=\"2\" gender=\"neutral\">x</voice></speak>");
        assertThat(doc.texts().getFirst().style().voiceGender()).isEqualTo(Gender.NEUTRAL);
        assertThat(doc.warnings()).containsExactlyInAnyOrder(
                "<voice> at line 1, column 8 has an age attribute, which is not supported; it is ignored",
                "<voice> at line 1, column 8 has a variant attribute, which is not supported; it is ignored");
    }

    @Test
    void voiceRejectsBadValues() {
        assertRejected("<speak><voice gender=\"robot\">x</voice></speak>", "SSML line 1, column 8: <voice> gender"
                + " \"robot\" is not a valid gender (expected: male, female or neutral)");
        assertRejected("<speak><voice name=\"\">x</voice></speak>",
                "SSML line 1, column 8: <voice> name is empty (expected: a voice name)");
        assertRejected("<speak><voice languages=\"en US_x!\">x</voice></speak>", "SSML line 1, column 8: <voice>"
                + " languages \"US_x!\" is not a BCP 47 language tag (expected: a tag such as en-US)");
    }

    // <lang>

    @Test
    void langSetsTheLanguage() {
        String ssml = "<speak xml:lang=\"en-US\">I said <lang xml:lang=\"fr-FR\">bonjour</lang>.</speak>";
        List<Segment.Text> texts = texts(ssml);
        assertThat(texts).extracting(t -> t.style().language()).containsExactly("en-US", "fr-FR", "en-US");
        assertThat(source(ssml, texts.get(1))).isEqualTo("bonjour");
    }

    @Test
    void langAcceptsOnLangFailureAndAnEmptyLanguageResetsIt() {
        List<Segment.Text> texts = texts("<speak xml:lang=\"en\"><lang xml:lang=\"ja\" onlangfailure=\"ignoretext\">"
                + "a<lang xml:lang=\"\">b</lang></lang></speak>");
        assertThat(texts).extracting(t -> t.style().language()).containsExactly("ja", null);
    }

    @Test
    void langNeedsAValidLanguage() {
        assertRejected("<speak><lang>x</lang></speak>", "SSML line 1, column 8: <lang> needs an xml:lang attribute");
        assertRejected("<speak><lang xml:lang=\"en_US\">x</lang></speak>", "SSML line 1, column 8: <lang> xml:lang"
                + " \"en_US\" is not a BCP 47 language tag (expected: a tag such as en-US)");
        assertRejected("<speak><prosody xml:lang=\"en\">x</prosody></speak>", "SSML line 1, column 8: <prosody>"
                + " has no attribute xml:lang (expected: contour, duration, pitch, range, rate, volume)");
    }

    // <mark>

    @Test
    void markIsASegmentWithItsName() {
        String ssml = "<speak>Go <mark name=\"here\"/>now<mark name=\"end\"></mark></speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.segments()).extracting(s -> s instanceof Segment.Text t ? t.text() : s.getClass())
                .containsExactly("Go ", Segment.Mark.class, "now", Segment.Mark.class);
        Segment.Mark first = (Segment.Mark) doc.segments().get(1);
        assertThat(first.name()).isEqualTo("here");
        assertThat(source(ssml, first)).isEqualTo("<mark name=\"here\"/>");
        assertThat(source(ssml, doc.segments().get(3))).isEqualTo("<mark name=\"end\"></mark>");
    }

    @Test
    void markNeedsANonEmptyName() {
        assertRejected("<speak><mark/></speak>", "SSML line 1, column 8: <mark> needs a name attribute");
        assertRejected("<speak><mark name=\"\"/></speak>",
                "SSML line 1, column 8: <mark> name is empty (expected: a mark name)");
    }

    // <audio>, <desc>

    @Test
    void audioIsNotFetchedAndItsFallbackIsSpoken() {
        String ssml = "<speak>\n  <p>Listen:\n    <audio src=\"http://127.0.0.1:1/never.wav\" clipBegin=\"1s\">"
                + "a <emphasis>bell</emphasis><desc>a church bell</desc></audio></p></speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.texts()).extracting(Segment.Text::text).containsExactly("Listen:\n    a ", "bell");
        assertThat(doc.warnings())
                .containsExactly("<audio> at line 3, column 5 is not fetched; its fallback text is spoken");
    }

    @Test
    void descIsNeverSpoken() {
        assertThat(parse("<speak><desc>not said</desc></speak>").segments()).isEmpty();
        assertRejected("<speak><desc>x<break/></desc></speak>",
                "SSML line 1, column 15: <desc> may contain only text, not <break>");
    }

    // Unknown and foreign elements and attributes

    @Test
    void unknownSsmlElementsAreErrors() {
        assertRejected("<speak>\n  <token>x</token></speak>", "SSML line 2, column 3: <token> is not a supported SSML"
                + " element (expected: speak, p, paragraph, s, sentence, break, prosody, say-as, sub, phoneme, voice,"
                + " lang, mark, emphasis, audio, desc)");
        assertRejected("<speak xmlns=\"http://www.w3.org/2001/10/synthesis\"><bold>x</bold></speak>",
                "SSML line 1, column 52: <bold> is not a supported SSML element (expected: speak, p, paragraph, s,"
                        + " sentence, break, prosody, say-as, sub, phoneme, voice, lang, mark, emphasis, audio, desc)");
    }

    @Test
    void elementsInOtherNamespacesAreIgnoredButTheirContentIsRead() {
        String ssml = "<speak xmlns:amazon=\"https://amazon.com/polly\">Psst, <amazon:effect name=\"whispered\">"
                + "a secret</amazon:effect>.</speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.texts()).extracting(Segment.Text::text).containsExactly("Psst, a secret.");
        assertThat(doc.warnings()).containsExactly("<amazon:effect> at line 1, column 54 is not SSML (namespace"
                + " https://amazon.com/polly); it is ignored and its content is read as if it were not there");
    }

    @Test
    void unknownAttributesAreErrorsAndForeignOnesAreIgnoredWithAWarning() {
        assertRejected("<speak><emphasis strength=\"strong\">x</emphasis></speak>",
                "SSML line 1, column 8: <emphasis> has no attribute strength (expected: level)");
        assertRejected("<speak><p id=\"1\">x</p></speak>",
                "SSML line 1, column 8: <p> has no attribute id (expected: onlangfailure, xml:lang)");
        SsmlDocument doc = parse("<speak xmlns:v=\"urn:vendor\"><p v:style=\"cheerful\" xml:id=\"p1\">x</p></speak>");
        assertThat(doc.texts()).hasSize(1);
        assertThat(doc.warnings())
                .containsExactly("<p> at line 1, column 29 has an attribute v:style outside SSML; it is ignored");
    }

    @Test
    void warningsAreCapped() {
        String ssml = "<speak>" + "<audio src=\"x\"/>".repeat(80) + "</speak>";
        List<String> warnings = parse(ssml).warnings();
        assertThat(warnings).hasSize(51);
        assertThat(warnings.getLast()).isEqualTo("30 more warnings were left out");
    }
}

package dev.chorus.engine.hmm.bridge;

import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpeechRateTest {

    @Test
    void expressesTheFactorAsMaryTtsPhoneDurationChange() {
        // MaryTTS: "+p%" shortens each phone by p percent, "-p%" lengthens it by p percent.
        assertThat(SpeechRate.of(2.0).prosodyRate()).isEqualTo("+50.0000%");
        assertThat(SpeechRate.of(4.0).prosodyRate()).isEqualTo("+75.0000%");
        assertThat(SpeechRate.of(0.5).prosodyRate()).isEqualTo("-100.0000%");
        assertThat(SpeechRate.of(0.25).prosodyRate()).isEqualTo("-300.0000%");
        assertThat(SpeechRate.of(1.0).isNormal()).isTrue();
        assertThat(SpeechRate.of(null).isNormal()).isTrue();
    }

    @Test
    void rejectsFactorsOutOfRange() {
        assertThatThrownBy(() -> SpeechRate.of(5.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("speed: 5.0 (expected: 0.25 to 4.0)");
        assertThatThrownBy(() -> SpeechRate.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scalesPausesByTheFactor() throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        Element root = doc.createElement("maryxml");
        doc.appendChild(root);
        Element pause = doc.createElement("boundary");
        pause.setAttribute("duration", "400");
        root.appendChild(pause);
        Element unset = doc.createElement("boundary");
        root.appendChild(unset);

        SpeechRate.of(2.0).scalePauses(doc);

        assertThat(pause.getAttribute("duration")).isEqualTo("200");
        assertThat(unset.hasAttribute("duration")).isFalse();
    }
}

package dev.chorus.engine.hmm.bridge;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class WordTimingsTest {

    // Shaped like MaryTTS's acoustic parameters after synthesis (tokens, token groups, phones, pauses).
    private static final String XML = """
            <maryxml><p><s><phrase>
              <t>Hello<syllable><ph p="h" d="50"/><ph p="@" d="50"/></syllable></t>
              <t>,</t>
              <boundary breakindex="4" duration="400"/>
              <mtu orig="42"><t>forty<syllable><ph p="f" d="100"/></syllable></t>
                             <t>two<syllable><ph p="t" d="100"/></syllable></t></mtu>
              <t>Zebras<syllable><ph p="z" d="10"/></syllable></t>
              <t>.</t>
              <boundary breakindex="5" duration="400"/>
            </phrase></s></p></maryxml>
            """;

    @Test
    void mapsTokensAndTokenGroupsToTextAndTime() throws Exception {
        String text = "Hello, 42 zebras.";
        // phones: 50 + 50 + 100 + 100 + max(25, 10) = 325 ms; pauses 800 ms; audio 1125 ms at 1 kHz.
        int[] words = WordTimings.of(parse(XML), text, 1125, 1000);

        assertThat(words).containsExactly(
                0, 5, 0,         // "Hello"
                7, 2, 500,       // "42" after 100 ms of phones and a 400 ms pause
                10, 6, 700);     // "zebras", found case-insensitively
    }

    @Test
    void scalesPhonesSoTheTimelineEndsWithTheAudio() throws Exception {
        // Same phones, but the vocoder made them twice as long: 650 ms of phones + 800 ms of pauses.
        int[] words = WordTimings.of(parse(XML), "Hello, 42 zebras.", 1450, 1000);
        assertThat(words[5]).isEqualTo(600);  // 400 ms pause + 2 x 100 ms
        assertThat(words[8]).isEqualTo(1000); // 400 + 2 x 300
    }

    @Test
    void skipsWordsItCannotFind() throws Exception {
        int[] words = WordTimings.of(parse(XML), "Hi, forty-two zebras.", -1, 1000);
        assertThat(words).containsExactly(14, 6, 700);
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}

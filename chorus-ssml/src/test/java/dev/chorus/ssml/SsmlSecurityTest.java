package dev.chorus.ssml;

import static dev.chorus.ssml.SsmlAssertions.assertRejected;
import static dev.chorus.ssml.SsmlAssertions.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.chorus.tts.InvalidInputException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DTDs, entities and inclusion: nothing outside the string is read, nothing expands. */
class SsmlSecurityTest {

    private static final Duration FAST = Duration.ofSeconds(1);

    /** A local server that records whether the parser ever tried to fetch something. */
    private ServerSocket server;
    private String url;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        url = "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    private void assertNothingFetched() throws IOException {
        server.setSoTimeout(200);
        assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> server.accept().close());
    }

    @Test
    void billionLaughsIsRejectedFast() {
        StringBuilder ssml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                + " <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            ssml.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";")
                    .repeat(10)).append("\">\n");
        }
        ssml.append("]>\n<speak>&lol9;</speak>");
        assertTimeoutPreemptively(FAST, () -> assertRejected(ssml.toString(),
                "SSML line 2, column 1: DTDs are not allowed"));
    }

    @Test
    void externalEntityIsRejectedAndNeverRead() throws IOException {
        assertRejected("<!DOCTYPE speak [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><speak>&x;</speak>",
                "SSML line 1, column 1: DTDs are not allowed");
        assertRejected("<!DOCTYPE speak [<!ENTITY x SYSTEM \"" + url + "entity\">]><speak>&x;</speak>",
                "SSML line 1, column 1: DTDs are not allowed");
        assertRejected("<!DOCTYPE speak [<!ENTITY % p SYSTEM \"" + url + "param\"> %p;]><speak/>",
                "SSML line 1, column 1: DTDs are not allowed");
        assertNothingFetched();
    }

    @Test
    void externalDtdIsRejectedAndNeverRead() throws IOException {
        assertRejected("<?xml version=\"1.0\"?>\n<!-- a comment -->\n<?pi x?>\n<!DOCTYPE speak SYSTEM \"" + url
                + "speak.dtd\">\n<speak>x</speak>", "SSML line 4, column 1: DTDs are not allowed");
        assertNothingFetched();
    }

    @Test
    void aDoctypeInsideTheDocumentIsMalformedXml() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> parse("<speak><!DOCTYPE speak [<!ENTITY a \"b\">]>&a;</speak>"))
                .withMessageStartingWith("SSML line 1, column ");
    }

    @Test
    void undeclaredEntitiesAreErrors() {
        assertRejected("<speak>a&nbsp;b</speak>",
                "SSML line 1, column 15: The entity \"nbsp\" was referenced, but not declared");
    }

    @Test
    void xIncludeIsNotProcessed() throws IOException {
        String ssml = "<speak xmlns:xi=\"http://www.w3.org/2001/XInclude\">before <xi:include href=\"" + url
                + "inc\" parse=\"text\"><xi:fallback>fallback</xi:fallback></xi:include> after</speak>";
        SsmlDocument doc = parse(ssml);
        assertThat(doc.texts()).extracting(Segment.Text::text).containsExactly("before fallback after");
        assertThat(doc.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("is not SSML"));
        assertNothingFetched();
    }

    @Test
    void audioSourcesAreNeverFetched() throws IOException {
        assertThat(parse("<speak><audio src=\"" + url + "a.wav\">beep</audio></speak>").texts()).hasSize(1);
        assertNothingFetched();
    }

    @Test
    void manyReferencesAndDeepDocumentsStayFast() {
        String references = "<speak>" + "&amp;&#x41;".repeat(8_000) + "</speak>";
        String wide = "<speak>" + "<s>a</s>".repeat(4_000) + "</speak>";
        assertTimeoutPreemptively(FAST, () -> {
            assertThat(parse(references).texts().getFirst().text()).hasSize(16_000);
            assertThat(parse(wide).segments()).hasSize(8_000);
        });
    }
}

package dev.chorus.server;

import dev.chorus.server.tls.SpiffeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SPIFFE ID syntax and the X.509-SVID leaf rules, on IDs and on certificates made for the purpose. */
class SpiffeIdTest {

    @Test
    void parsesTrustDomainAndPath() {
        SpiffeId id = SpiffeId.parse("spiffe://prod.example-1.org/ns/speech/sa/reader_2");

        assertThat(id.trustDomain()).isEqualTo("prod.example-1.org");
        assertThat(id.path()).isEqualTo("/ns/speech/sa/reader_2");
        assertThat(id).hasToString("spiffe://prod.example-1.org/ns/speech/sa/reader_2");
    }

    @Test
    void refusesWhatTheSpecificationForbids() {
        assertProblem("https://example.org/a", "scheme");
        assertProblem("SPIFFE://example.org/a", "scheme");
        assertProblem("spiffe://Example.org/a", "trust domain may hold only");
        assertProblem("spiffe://example.org:8443/a", "port");
        assertProblem("spiffe://user@example.org/a", "user information");
        assertProblem("spiffe://example.org/a?x=1", "no query");
        assertProblem("spiffe://example.org/a#frag", "no fragment");
        assertProblem("spiffe:///a", "trust domain is empty");
        assertProblem("spiffe://example.org/a//b", "empty segments");
        assertProblem("spiffe://example.org/a/../b", "'..'");
        assertProblem("spiffe://example.org/a/", "end with '/'");
        assertProblem("spiffe://example.org/a%20b", "path may hold only");
        assertProblem("spiffe://example.org/" + "a".repeat(2048), "longer than 2048");
    }

    @Test
    void readsTheIdOfAnSvidLeaf() throws Exception {
        TestPki.Issued ca = TestPki.authority("CA");
        assertThat(SpiffeId.fromLeaf(TestPki.svid(ca, "spiffe://example.org/w").certificate()))
                .hasToString("spiffe://example.org/w");
    }

    @Test
    void refusesCertificatesThatAreNotSvids() throws Exception {
        TestPki.Issued ca = TestPki.authority("CA");
        Instant from = Instant.now().minus(Duration.ofMinutes(1));
        Instant until = Instant.now().plus(Duration.ofHours(1));

        assertThatThrownBy(() -> SpiffeId.fromLeaf(ca.certificate())).hasMessageContaining("CA certificate");
        assertThatThrownBy(() -> SpiffeId.fromLeaf(TestPki.svid(ca, from, until).certificate()))
                .hasMessageContaining("0 URI subject alternative names");
        assertThatThrownBy(() -> SpiffeId.fromLeaf(TestPki.svid(ca, from, until, "spiffe://example.org/a",
                "spiffe://example.org/b").certificate())).hasMessageContaining("2 URI subject alternative names");
        assertThatThrownBy(() -> SpiffeId.fromLeaf(TestPki.svid(ca, "spiffe://example.org").certificate()))
                .hasMessageContaining("names a trust domain, not a workload");
    }

    private static void assertProblem(String id, String expected) {
        assertThatThrownBy(() -> SpiffeId.parse(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }
}

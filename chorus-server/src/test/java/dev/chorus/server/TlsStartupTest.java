package dev.chorus.server;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.ServerPort;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.tls.PeerIdentityDecorator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Other shapes of the TLS listener: a TLS-only server with optional client certificates, and start-up refusing
 * broken files with the setting's and the file's name.
 */
class TlsStartupTest {

    @TempDir
    Path dir;

    private TlsConfig.Builder tls() throws Exception {
        TestPki.Issued ca = TestPki.authority("CA");
        TestPki.server(ca, "spiffe://example.org/chorus").write(dir, "server");
        TestPki.writeAtomically(dir.resolve("bundle.pem"), TestPki.pem(List.of(ca.certificate())));
        return TlsConfig.builder().port(0).certificate(dir.resolve("server.pem"))
                .privateKey(dir.resolve("server.key")).trustBundle(dir.resolve("bundle.pem"));
    }

    private static Synthesizer synthesizer() {
        return Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(new PacedEngineProvider()))
                .defaultVoice("paced:tone").build()).build();
    }

    @Test
    void tlsOnlyServerWithOptionalClientCertificates() throws Exception {
        TlsConfig.Builder tls = tls();
        TestPki.Issued ca = TestPki.authority("Clients");
        TestPki.writeAtomically(dir.resolve("clients.pem"), TestPki.pem(List.of(ca.certificate())));
        X509Certificate serverCa = TestPki.certificates(dir.resolve("bundle.pem")).getFirst();
        try (Synthesizer synth = synthesizer();
             ChorusServer server = ChorusServer.create(synth, ServerConfig.builder().port(0).warmUp(false)
                     .plaintext(false).tls(tls.trustBundle(dir.resolve("clients.pem"))
                             .clientAuth(TlsConfig.ClientAuth.OPTIONAL).peerHeader(true).build()).build()).start()) {
            assertThat(server.port()).isEqualTo(-1);
            assertThat(server.armeria().activePorts().values()).extracting(ServerPort::protocols)
                    .allSatisfy(p -> assertThat(p).contains(SessionProtocol.HTTPS).doesNotContain(SessionProtocol.HTTP));

            HttpResponse<String> anonymous = get(TestPki.anonymousClient(serverCa), server.tlsPort());
            assertThat(anonymous.statusCode()).isEqualTo(200);
            assertThat(anonymous.headers().firstValue(PeerIdentityDecorator.PEER_HEADER)).isEmpty();

            HttpResponse<String> named = get(TestPki.svid(ca, "spiffe://example.org/w").clientContext(serverCa),
                    server.tlsPort());
            assertThat(named.statusCode()).isEqualTo(200);
            assertThat(named.headers().firstValue(PeerIdentityDecorator.PEER_HEADER)).hasValue("spiffe://example.org/w");
        }
    }

    private static HttpResponse<String> get(SSLContext ssl, int port) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(20))
                .build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/voices"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void brokenFilesStopStartUpNamingSettingAndFile() throws Exception {
        try (Synthesizer synth = synthesizer()) {
            TlsConfig mismatched = tls().build();
            TestPki.Issued other = TestPki.server(TestPki.authority("Other"), "spiffe://example.org/other");
            Files.writeString(dir.resolve("server.key"), TestPki.pem("PRIVATE KEY",
                    other.keys().getPrivate().getEncoded()));
            assertStartUpFails(synth, mismatched, "tls.key: " + dir.resolve("server.key")
                    + " is not the key of the certificate in tls.cert");

            TlsConfig badBundle = tls().build();
            Files.writeString(dir.resolve("bundle.pem"), "not a certificate\n");
            assertStartUpFails(synth, badBundle, "tls.trust: " + dir.resolve("bundle.pem")
                    + " holds no readable PEM certificate");

            TlsConfig missing = tls().build();
            Files.delete(dir.resolve("server.pem"));
            assertStartUpFails(synth, missing, "tls.cert: cannot read " + dir.resolve("server.pem"));
        }
    }

    private static void assertStartUpFails(Synthesizer synth, TlsConfig tls, String message) {
        assertThatThrownBy(() -> ChorusServer.create(synth, ServerConfig.builder().port(0).warmUp(false).tls(tls)
                .build())).isInstanceOf(UncheckedIOException.class).hasMessageContaining(message);
    }
}

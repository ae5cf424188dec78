package dev.chorus.server;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.ServerPort;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up of the TLS listener: TLS-only servers bind one port, and broken files stop start-up with their name. */
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
    void tlsOnlyServerBindsNoPlainPort() throws Exception {
        try (Synthesizer synth = synthesizer();
             ChorusServer server = ChorusServer.create(synth, ServerConfig.builder().port(0).warmUp(false)
                     .plaintext(false).tls(tls().build()).build()).start()) {
            assertThat(server.port()).isEqualTo(-1);
            assertThat(server.tlsPort()).isPositive();
            assertThat(server.armeria().activePorts().values()).extracting(ServerPort::protocols)
                    .allSatisfy(p -> assertThat(p).contains(SessionProtocol.HTTPS).doesNotContain(SessionProtocol.HTTP));
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

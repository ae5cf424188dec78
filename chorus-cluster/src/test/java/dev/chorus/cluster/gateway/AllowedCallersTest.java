package dev.chorus.cluster.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.chorus.cluster.ClusterTls;
import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.AllowedCallers;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.proto.cluster.v1.WorkRequest;
import dev.chorus.proto.cluster.v1.WorkerGrpc;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SPIFFE IDs on the worker port: every certificate here chains to the one trusted authority, and only the gateway
 * whose SPIFFE ID the worker allows is served; another workload of the same trust domain gets PERMISSION_DENIED,
 * named in the worker's refusal count and metric.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AllowedCallersTest {

    private static final String GATEWAY = "spiffe://cluster.test/ns/chorus/sa/gateway";
    private static final String OTHER = "spiffe://cluster.test/ns/billing/sa/reporter";

    @TempDir
    Path dir;

    private record Issued(KeyPair keys, X509Certificate cert) {
    }

    @Test
    void onlyAnAllowedSpiffeIdIsServed() throws Exception {
        Issued ca = authority("cluster-ca");
        ClusterTls workerTls = files("worker", leaf(ca, "spiffe://cluster.test/ns/chorus/sa/worker"), ca);
        ClusterTls gatewayTls = files("gateway", leaf(ca, GATEWAY), ca);
        ClusterTls otherTls = files("other", leaf(ca, OTHER), ca);
        AllowedCallers callers = AllowedCallers.of(List.of("spiffe://cluster.test/ns/chorus/sa/gateway",
                "spiffe://cluster.test/ns/ops/*"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        callers.bindMetrics(meters);
        try (Synthesizer synthesizer = Synthesizer.builder().registry(EngineRegistry.builder()
                .providers(List.of(new SlowTone())).defaultVoice("slow:tone").build()).build()) {
            WorkerServer worker = WorkerServer.start(synthesizer, "127.0.0.1", 0, workerTls, callers);
            try (Gateway good = Gateway.builder(List.of("127.0.0.1:" + worker.port())).tls(gatewayTls).build();
                 Gateway other = Gateway.builder(List.of("127.0.0.1:" + worker.port())).tls(otherTls).build()) {
                assertThat(good.awaitWorkers(Duration.ofSeconds(15))).isTrue();
                EngineRegistry catalog = EngineRegistry.builder().providers(good.engineProviders())
                        .defaultVoice("slow:tone").build();
                RemoteSynthesisTest.Collected c = new RemoteSynthesisTest.Collected();
                good.synthesis(catalog).start(synthesizer.parser().parse(new SynthesisRequest("One two three.",
                        "slow:tone", null, AudioEncoding.PCM, 0, null)), c, SynthesisObserver.NONE, false)
                        .completion().get(10, TimeUnit.SECONDS);
                assertThat(c.pcm.size()).isEqualTo(3 * 1_600 * 2);

                assertThat(other.awaitWorkers(Duration.ofSeconds(2))).as("a refused caller got a report").isFalse();
                assertThat(other.status().get()).contains("\"state\":\"down\"");

                // What the refused caller is told, on a call of its own.
                ClientFactory f = ClientFactory.builder().tls(otherTls.cert().toFile(), otherTls.key().toFile())
                        .tlsCustomizer(b -> b.trustManager(otherTls.trust().toFile())).build();
                try {
                    WorkerGrpc.WorkerBlockingStub stub = GrpcClients.builder("https://127.0.0.1:" + worker.port())
                            .factory(f).build(WorkerGrpc.WorkerBlockingStub.class);
                    assertThatThrownBy(() -> stub.synthesize(WorkRequest.newBuilder().setText("Hello.")
                            .setVoice("slow:tone").build()).hasNext())
                            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                                assertThat(e.getStatus().getDescription()).contains(OTHER);
                            });
                } finally {
                    f.close();
                }
                assertThat(callers.refused()).containsKey(OTHER).doesNotContainKey(GATEWAY);
                assertThat(meters.get("chorus.cluster.worker.refused.calls").tag("spiffe_id", OTHER)
                        .functionCounter().count()).isGreaterThanOrEqualTo(2);
            } finally {
                worker.close();
            }
        }
    }

    @Test
    void entriesMatchExactlyOrByWholePathSegments() {
        AllowedCallers a = AllowedCallers.of(List.of(" spiffe://td/gw ", "spiffe://td/ns/chorus/*"));
        assertThat(a.allows("spiffe://td/gw")).isTrue();
        assertThat(a.allows("spiffe://td/gw2")).isFalse();
        assertThat(a.allows("spiffe://td/ns/chorus/sa/gateway")).isTrue();
        assertThat(a.allows("spiffe://td/ns/chorus-evil/sa/gateway")).isFalse();
        assertThat(a.allows("spiffe://other/gw")).isFalse();
        assertThat(a.allows(null)).isFalse();
        assertThat(AllowedCallers.of(List.of("spiffe://td/*")).allows("spiffe://td/anything/at/all")).isTrue();
        assertThatThrownBy(() -> AllowedCallers.of(List.of("https://td/gw")))
                .hasMessageContaining("cluster.worker.allowed-spiffe-ids: 'https://td/gw'");
        assertThatThrownBy(() -> AllowedCallers.of(List.of("spiffe://td"))).hasMessageContaining("trust domain");
        assertThatThrownBy(() -> AllowedCallers.of(List.of("spiffe://td/a*"))).hasMessageContaining("'/*'");
        assertThatThrownBy(() -> AllowedCallers.of(List.of("spiffe://TD/a"))).hasMessageContaining("a-z");
        assertThatThrownBy(() -> AllowedCallers.of(List.of())).hasMessageContaining("empty");
    }

    private ClusterTls files(String name, Issued leaf, Issued trust) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Path ca = dir.resolve(name + "-trust.crt");
        Files.writeString(cert, pem("CERTIFICATE", leaf.cert().getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", leaf.keys().getPrivate().getEncoded()));
        Files.writeString(ca, pem("CERTIFICATE", trust.cert().getEncoded()));
        return new ClusterTls(cert, key, ca);
    }

    private static Issued authority(String name) throws Exception {
        KeyPair keys = keys();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()),
                Date.from(Instant.now().minusSeconds(3600)), Date.from(Instant.now().plusSeconds(86_400)), subject,
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Issued(keys, sign(b, keys));
    }

    /** An X.509-SVID that also names localhost, so it serves as the worker's server certificate too. */
    private static Issued leaf(Issued ca, String spiffeId) throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(),
                BigInteger.valueOf(System.nanoTime()), Date.from(Instant.now().minusSeconds(300)),
                Date.from(Instant.now().plusSeconds(3600)), new X500Name("CN=workload"), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)}));
        return new Issued(keys, sign(b, ca.keys()));
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}

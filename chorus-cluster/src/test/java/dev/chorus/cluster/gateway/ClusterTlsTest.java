package dev.chorus.cluster.gateway;

import dev.chorus.cluster.ClusterTls;
import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
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

/** The worker API over mutual TLS: a gateway with a certificate from the trusted authority gets audio; one from
 * another authority never gets a report. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterTlsTest {

    @TempDir
    Path dir;

    private record Issued(KeyPair keys, X509Certificate cert) {
    }

    @Test
    void onlyAGatewayWithACertificateFromTheTrustedAuthorityIsServed() throws Exception {
        Issued ca = authority("cluster-ca");
        ClusterTls workerTls = files("worker", leaf(ca, "worker"), ca);
        ClusterTls gatewayTls = files("gateway", leaf(ca, "gateway"), ca);
        Issued stranger = authority("other-ca");
        ClusterTls strangerTls = files("stranger", leaf(stranger, "stranger"), ca);
        try (Synthesizer synthesizer = Synthesizer.builder().registry(EngineRegistry.builder()
                .providers(List.of(new SlowTone())).defaultVoice("slow:tone").build()).build()) {
            WorkerServer worker = WorkerServer.start(synthesizer, "127.0.0.1", 0, workerTls);
            try (Gateway good = Gateway.builder(List.of("127.0.0.1:" + worker.port())).tls(gatewayTls).build();
                 Gateway bad = Gateway.builder(List.of("127.0.0.1:" + worker.port())).tls(strangerTls).build()) {
                assertThat(good.awaitWorkers(Duration.ofSeconds(15))).isTrue();
                EngineRegistry catalog = EngineRegistry.builder().providers(good.engineProviders())
                        .defaultVoice("slow:tone").build();
                RemoteSynthesisTest.Collected c = new RemoteSynthesisTest.Collected();
                good.synthesis(catalog).start(synthesizer.parser().parse(new SynthesisRequest("One two three.",
                        "slow:tone", null, AudioEncoding.PCM, 0, null)), c, SynthesisObserver.NONE, false)
                        .completion().get(10, TimeUnit.SECONDS);
                assertThat(c.pcm.size()).isEqualTo(3 * 1_600 * 2);
                assertThat(bad.awaitWorkers(Duration.ofSeconds(2))).as("a stranger's gateway got a report").isFalse();
                assertThat(bad.status().get()).contains("\"state\":\"down\"");
            } finally {
                worker.close();
            }
        }
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

    private static Issued leaf(Issued ca, String cn) throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(),
                BigInteger.valueOf(System.nanoTime()), Date.from(Instant.now().minusSeconds(300)),
                Date.from(Instant.now().plusSeconds(3600)), new X500Name("CN=" + cn), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
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

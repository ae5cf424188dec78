package dev.chorus.server;

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

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A throw-away PKI for the TLS tests: certificate authorities that issue server certificates and X.509-SVIDs
 * (EC P-256, SHA-256), written as PEM files the way an SVID helper writes them.
 */
final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    /** A key and its certificate chain (leaf first). */
    record Issued(KeyPair keys, List<X509Certificate> chain) {
        X509Certificate certificate() {
            return chain.getFirst();
        }

        /** Writes {@code name}.pem (the chain) and {@code name}.key (PKCS#8) into {@code dir}, each atomically. */
        Issued write(Path dir, String name) throws IOException {
            writeAtomically(dir.resolve(name + ".pem"), pem(chain));
            writeAtomically(dir.resolve(name + ".key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            return this;
        }

        /** Returns a client TLS context presenting this certificate and trusting {@code anchor}. */
        SSLContext clientContext(X509Certificate anchor) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("me", keys.getPrivate(), new char[0], chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), trusting(anchor).getTrustManagers(), RANDOM);
            return ssl;
        }
    }

    /** Returns a trust manager factory over one anchor. */
    static TrustManagerFactory trusting(X509Certificate anchor) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", anchor);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf;
    }

    /** Returns a client TLS context that trusts {@code anchor} and presents no certificate. */
    static SSLContext anonymousClient(X509Certificate anchor) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trusting(anchor).getTrustManagers(), RANDOM);
        return ssl;
    }

    /** Makes a self-signed certificate authority. */
    static Issued authority(String name) throws Exception {
        KeyPair keys = keys();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(keys, List.of(sign(b, keys)));
    }

    /** Issues the server's certificate: a DNS name, an IP address and a SPIFFE ID, valid for an hour. */
    static Issued server(Issued ca, String spiffeId) throws Exception {
        return leaf(ca, "chorus", List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)),
                Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofHours(1)));
    }

    /** Issues an X.509-SVID for {@code uris} (normally one SPIFFE ID) valid from {@code from} to {@code until}. */
    static Issued svid(Issued ca, Instant from, Instant until, String... uris) throws Exception {
        List<GeneralName> names = new ArrayList<>();
        for (String u : uris) {
            names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u));
        }
        return leaf(ca, "workload", names, from, until);
    }

    /** Issues an X.509-SVID for {@code spiffeId}, valid for an hour. */
    static Issued svid(Issued ca, String spiffeId) throws Exception {
        return svid(ca, Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofHours(1)), spiffeId);
    }

    private static Issued leaf(Issued ca, String cn, List<GeneralName> names, Instant from, Instant until)
            throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(from),
                Date.from(until), new X500Name("CN=" + cn), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        if (!names.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        return new Issued(keys, List.of(sign(b, ca.keys())));
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

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    /** Reads the certificates of a PEM file. */
    static List<X509Certificate> certificates(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
    }

    /** Returns the certificates as one PEM text. */
    static String pem(List<X509Certificate> certs) {
        StringBuilder b = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                b.append(pem("CERTIFICATE", c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }

    /** Returns one PEM block of {@code type}. */
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Writes through a temporary file and a rename, as rotation tools do, so a reader never sees half a file. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".rotate", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

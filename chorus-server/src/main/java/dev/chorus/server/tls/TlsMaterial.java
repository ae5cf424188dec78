package dev.chorus.server.tls;

import com.linecorp.armeria.common.TlsKeyPair;
import dev.chorus.server.TlsConfig;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The server's key pair and the client trust anchors, read from the PEM files {@link TlsConfig} names. Reading
 * checks what would otherwise fail a handshake later: every file holds what it should, and the key belongs to
 * the certificate.
 *
 * @param keyPair     the server's key and certificate chain
 * @param trustAnchors the certificates client chains must lead to, from every trust bundle
 * @param digest      a digest of the files' bytes, to tell whether they changed since
 */
record TlsMaterial(TlsKeyPair keyPair, List<X509Certificate> trustAnchors, byte[] digest) {

    /**
     * Reads the files.
     *
     * @throws UncheckedIOException naming the setting and the file when one cannot be read or holds the wrong thing
     */
    static TlsMaterial read(TlsConfig config) {
        byte[] cert = bytes("tls.cert", config.certificate());
        byte[] key = bytes("tls.key", config.privateKey());
        List<byte[]> bundles = config.trustBundles().stream().map(p -> bytes("tls.trust", p)).toList();
        byte[] digest = digest(cert, key, bundles);
        List<X509Certificate> chain = certificates("tls.cert", config.certificate(), cert);
        PrivateKey privateKey = privateKey(config.privateKey(), key);
        checkMatch(privateKey, chain.getFirst().getPublicKey(), config);
        List<X509Certificate> anchors = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            anchors.addAll(certificates("tls.trust", config.trustBundles().get(i), bundles.get(i)));
        }
        return new TlsMaterial(TlsKeyPair.of(privateKey, chain), List.copyOf(anchors), digest);
    }

    /** Returns the digest of the files' bytes as they are now. */
    static byte[] currentDigest(TlsConfig config) {
        return digest(bytes("tls.cert", config.certificate()), bytes("tls.key", config.privateKey()),
                config.trustBundles().stream().map(p -> bytes("tls.trust", p)).toList());
    }

    /** Tells whether {@code otherDigest} is the digest of the files this material was read from. */
    boolean sameFiles(byte[] otherDigest) {
        return Arrays.equals(digest, otherDigest);
    }

    /** Returns the server certificate (the first of the chain). */
    X509Certificate certificate() {
        return keyPair.certificateChain().getFirst();
    }

    private static byte[] bytes(String setting, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(setting + ": cannot read " + file + ": " + e, e));
        }
    }

    private static List<X509Certificate> certificates(String setting, Path file, byte[] pem) {
        try {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate found");
            }
            return certs;
        } catch (CertificateException e) {
            throw new UncheckedIOException(new IOException(setting + ": " + file + " holds no readable PEM "
                    + "certificate (" + e.getMessage() + ")", e));
        }
    }

    private static PrivateKey privateKey(Path file, byte[] pem) {
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem),
                StandardCharsets.US_ASCII))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("tls.key: " + file + " cannot be read as a PEM private "
                    + "key (" + e.getMessage() + ")", e));
        }
        throw new UncheckedIOException(new IOException("tls.key: " + file + " holds no unencrypted PEM private key "
                + "(expected: BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)"));
    }

    /** Signs a random message with the key and verifies it with the certificate's public key. */
    private static void checkMatch(PrivateKey key, PublicKey certKey, TlsConfig config) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        boolean match;
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certKey);
            verifier.update(message);
            match = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            match = false;
        }
        if (!match) {
            throw new UncheckedIOException(new IOException("tls.key: " + config.privateKey() + " is not the key of "
                    + "the certificate in tls.cert (" + config.certificate() + ")"));
        }
    }

    private static byte[] digest(byte[] cert, byte[] key, List<byte[]> bundles) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] b : prefixed(cert, key, bundles)) {
                d.update(b);
            }
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Each file's length before its bytes, so moving bytes from one file to the next changes the digest. */
    private static List<byte[]> prefixed(byte[] cert, byte[] key, List<byte[]> bundles) {
        List<byte[]> parts = new ArrayList<>();
        for (byte[] b : concat(cert, key, bundles)) {
            parts.add(java.nio.ByteBuffer.allocate(8).putLong(b.length).array());
            parts.add(b);
        }
        return parts;
    }

    private static List<byte[]> concat(byte[] cert, byte[] key, List<byte[]> bundles) {
        List<byte[]> all = new ArrayList<>();
        all.add(cert);
        all.add(key);
        all.addAll(bundles);
        return all;
    }
}

package dev.chorus.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS between gateways and workers: one certificate and key per process (a worker serves with it, a gateway
 * presents it as its client certificate) and one trust bundle (a worker accepts only clients chaining to it; a
 * gateway accepts only workers chaining to it). Both ends come from the same {@code tls.cert}, {@code tls.key}
 * and {@code tls.trust} files as the public TLS listener.
 *
 * @param cert  PEM certificate chain
 * @param key   PEM private key (PKCS#8)
 * @param trust PEM trust bundle
 */
public record ClusterTls(Path cert, Path key, Path trust) {

    public ClusterTls {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(trust, "trust");
        for (Path p : new Path[] {cert, key, trust}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("cluster TLS: " + p + " is not a readable file (expected: the "
                        + "tls.cert, tls.key and tls.trust files)");
            }
        }
    }
}

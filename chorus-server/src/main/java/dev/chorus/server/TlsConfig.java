package dev.chorus.server;

import dev.chorus.server.tls.SpiffeId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of the mutual-TLS listener: its address, the server's certificate and key, the trust bundles that
 * client certificates must chain to, whether a client certificate is required, which SPIFFE trust domains are
 * accepted and how often the files are checked for changes. Immutable; build one with {@link #builder()}.
 */
public final class TlsConfig {

    /** Whether the handshake requires a client certificate. */
    public enum ClientAuth {
        /** A client without a certificate is refused during the handshake. */
        REQUIRE,
        /** A client may connect without a certificate (it then has no SPIFFE ID); one it sends must be trusted. */
        OPTIONAL;

        /** Parses {@code require} or {@code optional}. */
        public static ClientAuth of(String s) {
            return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
                case "require", "required" -> REQUIRE;
                case "optional" -> OPTIONAL;
                default -> throw new IllegalArgumentException("clientAuth: '" + s + "' (expected: require or optional)");
            };
        }
    }

    private final String host;
    private final int port;
    private final Path certificate;
    private final Path privateKey;
    private final List<Path> trustBundles;
    private final ClientAuth clientAuth;
    private final Set<String> trustDomains;
    private final Duration reloadInterval;
    private final boolean peerHeader;

    private TlsConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.certificate = b.certificate;
        this.privateKey = b.privateKey;
        this.trustBundles = List.copyOf(b.trustBundles);
        this.clientAuth = b.clientAuth;
        this.trustDomains = Set.copyOf(b.trustDomains);
        this.reloadInterval = b.reloadInterval;
        this.peerHeader = b.peerHeader;
    }

    /** Returns a builder holding the defaults; the certificate, key and trust bundles have none. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the address the TLS listener binds, or null to use the server's host. */
    public String host() {
        return host;
    }

    /** Returns the TLS port; 0 picks a free one. */
    public int port() {
        return port;
    }

    /** Returns the PEM file holding the server's certificate, then any intermediates. */
    public Path certificate() {
        return certificate;
    }

    /** Returns the PEM file holding the server's private key. */
    public Path privateKey() {
        return privateKey;
    }

    /** Returns the PEM files whose certificates client certificates must chain to. */
    public List<Path> trustBundles() {
        return trustBundles;
    }

    /** Returns whether a client certificate is required. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** Returns the SPIFFE trust domains accepted; empty accepts any that the trust bundles vouch for. */
    public Set<String> trustDomains() {
        return trustDomains;
    }

    /** Returns how often the certificate, key and trust files are checked for changes. */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    /** Returns whether responses carry the client's SPIFFE ID in {@code x-chorus-peer}. */
    public boolean peerHeader() {
        return peerHeader;
    }

    @Override
    public String toString() {
        return "TlsConfig[host=" + host + ", port=" + port + ", certificate=" + certificate + ", privateKey="
                + privateKey + ", trustBundles=" + trustBundles + ", clientAuth=" + clientAuth + ", trustDomains="
                + trustDomains + ", reloadInterval=" + reloadInterval + ", peerHeader=" + peerHeader + "]";
    }

    /** Collects {@link TlsConfig} settings; every setter checks its value and names it when it is wrong. */
    public static final class Builder {
        private String host;
        private int port = 8443;
        private Path certificate;
        private Path privateKey;
        private final List<Path> trustBundles = new java.util.ArrayList<>();
        private ClientAuth clientAuth = ClientAuth.REQUIRE;
        private final Set<String> trustDomains = new LinkedHashSet<>();
        private Duration reloadInterval = Duration.ofSeconds(5);
        private boolean peerHeader;

        private Builder() {
        }

        /** Sets the address the TLS listener binds (default: the server's host). */
        public Builder host(String h) {
            if (h != null && h.isBlank()) {
                throw new IllegalArgumentException("host: '" + h + "' (expected: an address or host name)");
            }
            this.host = h == null ? null : h.trim();
            return this;
        }

        /** Sets the TLS port (default 8443; 0 picks a free one). */
        public Builder port(int p) {
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("port: " + p + " (expected: 0 to 65535)");
            }
            this.port = p;
            return this;
        }

        /** Sets the PEM file with the server's certificate (then its intermediates, if any). */
        public Builder certificate(Path file) {
            this.certificate = Objects.requireNonNull(file, "certificate");
            return this;
        }

        /** Sets the PEM file with the server's private key (PKCS#8, PKCS#1 or SEC1). */
        public Builder privateKey(Path file) {
            this.privateKey = Objects.requireNonNull(file, "privateKey");
            return this;
        }

        /** Adds a PEM trust bundle: client certificates must chain to one of the certificates of some bundle. */
        public Builder trustBundle(Path file) {
            trustBundles.add(Objects.requireNonNull(file, "trustBundle"));
            return this;
        }

        /** Sets whether a client certificate is required (default {@link ClientAuth#REQUIRE}). */
        public Builder clientAuth(ClientAuth a) {
            this.clientAuth = Objects.requireNonNull(a, "clientAuth");
            return this;
        }

        /**
         * Accepts only clients whose SPIFFE ID is in {@code domain} (may be called several times; default: any
         * trust domain the trust bundles vouch for).
         */
        public Builder trustDomain(String domain) {
            String d = domain == null ? "" : domain.trim();
            if (d.startsWith("spiffe://")) {
                d = d.substring("spiffe://".length());
            }
            String problem = SpiffeId.trustDomainProblem(d);
            if (problem != null) {
                throw new IllegalArgumentException("trustDomain: '" + domain + "' (expected: a SPIFFE trust domain "
                        + "such as example.org: " + problem + ")");
            }
            trustDomains.add(d);
            return this;
        }

        /** Sets how often the files are checked for changes (default 5 seconds; at least 10 ms). */
        public Builder reloadInterval(Duration d) {
            Objects.requireNonNull(d, "reloadInterval");
            if (d.toMillis() < 10) {
                throw new IllegalArgumentException("reloadInterval: " + d + " (expected: >= 10ms)");
            }
            this.reloadInterval = d;
            return this;
        }

        /** Sets whether responses on the TLS port carry {@code x-chorus-peer: SPIFFE-ID} (default false). */
        public Builder peerHeader(boolean on) {
            this.peerHeader = on;
            return this;
        }

        /** Builds the settings; the certificate, key and at least one trust bundle are required. */
        public TlsConfig build() {
            if (certificate == null) {
                throw new IllegalArgumentException("certificate: none (expected: a PEM file with the server's "
                        + "certificate)");
            }
            if (privateKey == null) {
                throw new IllegalArgumentException("privateKey: none (expected: a PEM file with the server's key)");
            }
            if (trustBundles.isEmpty()) {
                throw new IllegalArgumentException("trustBundles: none (expected: one or more PEM files with the "
                        + "certificates client certificates must chain to)");
            }
            return new TlsConfig(this);
        }
    }
}

package dev.chorus.server.wyoming;

import java.util.Objects;

/**
 * The settings of the Wyoming listener ({@code wyoming.*}): its port and address, the tenant its connections act
 * as, its zeroconf advertisement and how many connections it holds at once. Immutable; build one with
 * {@link #builder()}.
 */
public final class WyomingConfig {

    /** The port Home Assistant and Piper use for Wyoming text to speech. */
    public static final int USUAL_PORT = 10200;

    private final int port;
    private final String host;
    private final String tenant;
    private final boolean zeroconf;
    private final String name;
    private final int maxConnections;

    private WyomingConfig(Builder b) {
        this.port = b.port;
        this.host = b.host;
        this.tenant = b.tenant;
        this.zeroconf = b.zeroconf;
        this.name = b.name;
        this.maxConnections = b.maxConnections;
    }

    /** Returns a builder holding the defaults (port {@value #USUAL_PORT}). */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the port to listen on; 0 picks a free one. */
    public int port() {
        return port;
    }

    /** Returns the address to listen on, or {@code null} for the server's own ({@code server.host}). */
    public String host() {
        return host;
    }

    /**
     * Returns the tenant every connection acts as (its voices, limits and quotas apply), or {@code null}: on a
     * server with tenants each connection then names its tenant with an API key in its first event.
     */
    public String tenant() {
        return tenant;
    }

    /** Returns whether the port is advertised over mDNS as {@code _wyoming._tcp}. */
    public boolean zeroconf() {
        return zeroconf;
    }

    /** Returns the name the port is advertised under and the program's name in {@code info}. */
    public String name() {
        return name;
    }

    /** Returns how many connections are served at once; more are refused with an {@code error} event. */
    public int maxConnections() {
        return maxConnections;
    }

    @Override
    public String toString() {
        return "WyomingConfig[port=" + port + ", host=" + host + ", tenant=" + tenant + ", zeroconf=" + zeroconf
                + ", name=" + name + ", maxConnections=" + maxConnections + "]";
    }

    /** Collects {@link WyomingConfig} settings; every setter checks its value and names it when it is wrong. */
    public static final class Builder {
        private int port = USUAL_PORT;
        private String host;
        private String tenant;
        private boolean zeroconf = true;
        private String name = "chorus";
        private int maxConnections = 64;

        private Builder() {
        }

        /** Sets the port (default {@value #USUAL_PORT}; 0 picks a free one). */
        public Builder port(int p) {
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("wyoming.port: " + p + " (expected: 0 to 65535)");
            }
            this.port = p;
            return this;
        }

        /** Sets the address to listen on (default: the server's, {@code server.host}). */
        public Builder host(String h) {
            if (h != null && h.isBlank()) {
                throw new IllegalArgumentException("wyoming.host: '" + h + "' (expected: an address or host name)");
            }
            this.host = h == null ? null : h.strip();
            return this;
        }

        /** Sets the tenant every connection acts as (default: none). */
        public Builder tenant(String id) {
            if (id != null && id.isBlank()) {
                throw new IllegalArgumentException("wyoming.tenant: '" + id + "' (expected: a tenant's id)");
            }
            this.tenant = id == null ? null : id.strip();
            return this;
        }

        /** Sets whether the port is advertised over mDNS (default true; never on a loopback address). */
        public Builder zeroconf(boolean on) {
            this.zeroconf = on;
            return this;
        }

        /** Sets the advertised name (default {@code chorus}): letters, digits, spaces, '-', '_' and '.'. */
        public Builder name(String n) {
            Objects.requireNonNull(n, "wyoming.name");
            if (!n.strip().matches("[\\p{L}\\p{N} ._-]{1,63}")) {
                throw new IllegalArgumentException("wyoming.name: '" + n + "' (expected: 1 to 63 letters, digits, "
                        + "spaces, '-', '_' or '.')");
            }
            this.name = n.strip();
            return this;
        }

        /** Sets how many connections are served at once (default 64). */
        public Builder maxConnections(int n) {
            if (n < 1 || n > 100_000) {
                throw new IllegalArgumentException("wyoming.max-connections: " + n + " (expected: 1 to 100000)");
            }
            this.maxConnections = n;
            return this;
        }

        /** Builds the settings. */
        public WyomingConfig build() {
            return new WyomingConfig(this);
        }
    }
}

package dev.chorus.server.tls;

import io.netty.util.AttributeKey;

/**
 * The workload identity a request's TLS client certificate proves. The mutual-TLS listener sets it on the
 * request context once the handshake has verified the certificate chain; tenant resolution reads it when the
 * request carries no API key.
 */
public final class PeerIdentity {

    /** The client's SPIFFE ID ({@code spiffe://trust-domain/path}), from its certificate's URI SAN. */
    public static final AttributeKey<String> SPIFFE_ID = AttributeKey.valueOf(PeerIdentity.class, "SPIFFE_ID");

    private PeerIdentity() {
    }
}

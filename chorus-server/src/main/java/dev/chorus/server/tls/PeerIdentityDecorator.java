package dev.chorus.server.tls;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.server.TlsConfig;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * Sets {@link PeerIdentity#SPIFFE_ID} on every request that arrives over a TLS connection whose client presented
 * a certificate, so tenant resolution, the access log and the span can name the workload. The handshake has
 * already verified the chain and the SVID rules ({@link SvidTrustManager}); this reads the ID once per TLS session
 * and keeps it in the session. Requests on the plain port, or from clients without a certificate when client
 * authentication is optional, get no attribute.
 */
public final class PeerIdentityDecorator implements DecoratingHttpServiceFunction {

    /** The response header that carries the client's SPIFFE ID when {@link TlsConfig#peerHeader()} is on. */
    public static final String PEER_HEADER = "x-chorus-peer";

    private static final String SESSION_KEY = "dev.chorus.server.spiffe-id";
    /** Stored in the session when its client sent no SVID, so the absence is not looked up again. */
    private static final String NONE = "";

    private final boolean header;

    public PeerIdentityDecorator(boolean header) {
        this.header = header;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        SSLSession session = ctx.sslSession();
        if (session != null) {
            String id = spiffeId(session);
            if (id != null) {
                ctx.setAttr(PeerIdentity.SPIFFE_ID, id);
                if (header) {
                    ctx.addAdditionalResponseHeader(PEER_HEADER, id);
                }
            }
        }
        return delegate.serve(ctx, req);
    }

    /** Returns the SPIFFE ID of the session's client, or null when it presented no certificate. */
    static String spiffeId(SSLSession session) {
        Object cached = session.getValue(SESSION_KEY);
        if (cached instanceof String s) {
            return s.isEmpty() ? null : s;
        }
        String id = read(session);
        try {
            session.putValue(SESSION_KEY, id == null ? NONE : id);
        } catch (UnsupportedOperationException e) {
            // Some session implementations keep no values; the ID is then read on each request.
        }
        return id;
    }

    private static String read(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return null;
        }
        try {
            return SpiffeId.fromLeaf(leaf).toString();
        } catch (IllegalArgumentException e) {
            // Cannot happen after the handshake's checks; a request without an identity is the safe answer.
            return null;
        }
    }
}

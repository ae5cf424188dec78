package dev.chorus.server.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCertificateException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides whether a client certificate may complete the TLS handshake: its chain must lead to a current trust
 * anchor and be valid now (the JDK's PKIX checks: signatures, validity dates, CA constraints, key usage), and its
 * leaf must be an X.509-SVID whose trust domain is accepted. Reads the trust anchors afresh on every handshake, so
 * a reloaded trust bundle applies to the next connection.
 */
final class SvidTrustManager extends X509ExtendedTrustManager {

    private static final System.Logger LOG = System.getLogger(SvidTrustManager.class.getName());

    /** OpenSSL's verification errors (the same numbers in BoringSSL). */
    private static final int X509_V_ERR_CERT_UNTRUSTED = 27;
    private static final int X509_V_ERR_CERT_REJECTED = 28;

    private final Supplier<Anchors> anchors;
    private final Set<String> trustDomains;

    /** The trust anchors of one trust-bundle version and the PKIX trust manager over them. */
    record Anchors(List<X509Certificate> certificates, X509ExtendedTrustManager pkix) {

        static Anchors of(List<X509Certificate> certificates) {
            try {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                for (int i = 0; i < certificates.size(); i++) {
                    ks.setCertificateEntry("anchor-" + i, certificates.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(ks);
                for (var tm : tmf.getTrustManagers()) {
                    if (tm instanceof X509ExtendedTrustManager x) {
                        return new Anchors(certificates, x);
                    }
                }
                throw new IllegalStateException("the JDK offers no PKIX X509ExtendedTrustManager");
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("cannot build a trust manager over the trust bundles: " + e, e);
            }
        }
    }

    SvidTrustManager(Supplier<Anchors> anchors, Set<String> trustDomains) {
        this.anchors = anchors;
        this.trustDomains = Set.copyOf(trustDomains);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, () -> anchors.get().pkix().checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, () -> anchors.get().pkix().checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, () -> anchors.get().pkix().checkClientTrusted(chain, authType));
    }

    private interface PkixCheck {
        void run() throws CertificateException;
    }

    private void check(X509Certificate[] chain, PkixCheck pkix) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw refused(null, "no client certificate", null, 0);
        }
        try {
            pkix.run();
        } catch (CertificateException e) {
            // Expired or not yet valid: keep the cause, from which the TLS engine picks the matching alert.
            throw refused(chain[0], "not trusted: " + e.getMessage(), e,
                    outOfValidity(e) ? 0 : X509_V_ERR_CERT_UNTRUSTED);
        }
        SpiffeId id;
        try {
            id = SpiffeId.fromLeaf(chain[0]);
        } catch (IllegalArgumentException e) {
            throw refused(chain[0], "not an X.509-SVID: " + e.getMessage(), null, X509_V_ERR_CERT_REJECTED);
        }
        if (!trustDomains.isEmpty() && !trustDomains.contains(id.trustDomain())) {
            throw refused(chain[0], "trust domain '" + id.trustDomain() + "' of " + id + " is not accepted "
                    + "(tls.trust-domains: " + trustDomains + ")", null, X509_V_ERR_CERT_REJECTED);
        }
    }

    private static boolean outOfValidity(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException
                    || t instanceof java.security.cert.CertificateNotYetValidException
                    || t instanceof java.security.cert.CertPathValidatorException v
                    && (v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.EXPIRED
                    || v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Logs the refusal and returns the exception that fails the handshake. With OpenSSL, {@code verifyError} (an
     * X509_V_ERR code) chooses the alert the client receives: unknown_ca for an untrusted chain,
     * certificate_unknown for a certificate that is not an accepted SVID; 0 lets the engine choose from the cause.
     */
    private static CertificateException refused(X509Certificate leaf, String why, Throwable cause, int verifyError) {
        String who = leaf == null ? "" : " (subject '" + leaf.getSubjectX500Principal().getName() + "', serial "
                + leaf.getSerialNumber().toString(16) + ")";
        LOG.log(System.Logger.Level.WARNING, "refused a TLS client certificate{0}: {1}", who, why);
        String message = "client certificate refused: " + why;
        CertificateException e = verifyError != 0 && OpenSsl.isAvailable()
                ? new OpenSslCertificateException(message, verifyError) : new CertificateException(message);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("this trust manager only checks clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("this trust manager only checks clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager only checks clients");
    }

    /** Returns the trust anchors, whose names the server sends when it asks for a client certificate. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors.get().certificates().toArray(X509Certificate[]::new);
    }
}

package dev.chorus.server.tls;

import com.linecorp.armeria.common.TlsKeyPair;
import com.linecorp.armeria.common.TlsProvider;
import dev.chorus.server.TlsConfig;

import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS listener's certificate, key and trust anchors, re-read when their files change, so certificates rotate
 * without a restart.
 *
 * <p>Design: one daemon thread reads the files every {@link TlsConfig#reloadInterval()} and compares a digest of
 * their bytes with the last one read (a byte comparison, so it works whatever the file system's time stamps do and
 * through the symbolic-link swaps that Kubernetes and SVID helpers use). Changed files are parsed and checked as a
 * whole; only a complete, consistent set (the key matches the certificate) replaces the current one, in a single
 * volatile write. A half-written rotation is logged and retried at the next check while the old set keeps serving.
 * Armeria asks for the key pair and trust anchors on every new connection; connections already open keep the
 * certificate they were made with.
 */
public final class ReloadingTls implements TlsProvider {

    private static final System.Logger LOG = System.getLogger(ReloadingTls.class.getName());

    private final TlsConfig config;
    private final ScheduledExecutorService timer;
    private final SvidTrustManager trustManager;
    private volatile TlsMaterial material;
    private volatile SvidTrustManager.Anchors anchors;
    /** The digest of the last set that failed to load, so a broken rotation is logged once, not at every check. */
    private volatile byte[] lastFailure;

    /**
     * Reads the files and starts watching them.
     *
     * @throws UncheckedIOException naming the setting and file when one cannot be read or holds the wrong thing
     */
    public ReloadingTls(TlsConfig config) {
        this.config = config;
        this.material = TlsMaterial.read(config);
        this.anchors = SvidTrustManager.Anchors.of(material.trustAnchors());
        this.trustManager = new SvidTrustManager(() -> anchors, config.trustDomains());
        describe("serving");
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("chorus-tls-reload").daemon().factory());
        long every = config.reloadInterval().toMillis();
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /** Returns the trust manager that checks client certificates against the current anchors and the SVID rules. */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    @Override
    public TlsKeyPair keyPair(String hostname) {
        return material.keyPair();
    }

    /** Returns the current anchors: a change makes Armeria build a new TLS context, so no old session resumes. */
    @Override
    public List<X509Certificate> trustedCertificates(String hostname) {
        return material.trustAnchors();
    }

    /** Re-reads the files if their bytes changed; keeps the current set when the new one is incomplete. */
    void check() {
        try {
            byte[] now = TlsMaterial.currentDigest(config);
            if (material.sameFiles(now)) {
                return;
            }
            TlsMaterial next;
            try {
                next = TlsMaterial.read(config);
            } catch (UncheckedIOException | IllegalStateException e) {
                // Tried again at every check; logged once per version of the files.
                if (!java.util.Arrays.equals(now, lastFailure)) {
                    LOG.log(System.Logger.Level.WARNING, "TLS files changed but cannot be used yet; still serving "
                            + "the previous certificate and trust bundles: {0}", e.getMessage());
                }
                lastFailure = now;
                return;
            }
            anchors = SvidTrustManager.Anchors.of(next.trustAnchors());
            material = next;
            lastFailure = null;
            describe("reloaded");
        } catch (UncheckedIOException e) {
            // A file is missing for a moment (a rotation replacing it): the next check sees the new one.
            LOG.log(System.Logger.Level.DEBUG, "TLS files unreadable for now: {0}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "TLS reload check failed", e);
        }
    }

    private void describe(String what) {
        X509Certificate c = material.certificate();
        LOG.log(System.Logger.Level.INFO, "TLS {0}: certificate serial {1} ({2}), valid until {3}; {4} trust "
                        + "anchor(s)", what, HexFormat.of().formatHex(c.getSerialNumber().toByteArray()),
                c.getSubjectX500Principal().getName(), c.getNotAfter().toInstant(), material.trustAnchors().size());
    }

    /** Armeria must not close it: the server closes it after the port is closed. */
    @Override
    public boolean autoClose() {
        return false;
    }

    /** Stops watching the files. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}

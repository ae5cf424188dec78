package dev.chorus.server.wyoming;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import java.io.IOException;
import java.net.InetAddress;

/**
 * Advertises the Wyoming port over mDNS as {@code _wyoming._tcp}, the way Home Assistant discovers Wyoming
 * services. The advertisement starts in the background (mDNS probing takes a few seconds) and is withdrawn on
 * {@link #close()}. A port bound to a loopback address is not advertised: no other machine could reach it.
 */
final class Zeroconf implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Zeroconf.class.getName());
    static final String SERVICE_TYPE = "_wyoming._tcp.local.";

    private final Thread starter;
    private volatile JmDNS jmdns;
    private volatile boolean closed;

    private Zeroconf(String name, InetAddress bound, int port) {
        starter = Thread.ofVirtual().name("wyoming-zeroconf").start(() -> register(name, bound, port));
    }

    /** Starts advertising {@code name} at {@code port} on the address the port is bound to (any: the host's). */
    static Zeroconf advertise(String name, InetAddress bound, int port) {
        if (bound.isLoopbackAddress()) {
            LOG.log(System.Logger.Level.INFO, "wyoming: not advertised over zeroconf: the port listens on {0} only "
                    + "(set wyoming.host or server.host to an address other machines reach)", bound.getHostAddress());
            return null;
        }
        return new Zeroconf(name, bound, port);
    }

    private void register(String name, InetAddress bound, int port) {
        try {
            JmDNS d = bound.isAnyLocalAddress() ? JmDNS.create(null, name) : JmDNS.create(bound, name);
            jmdns = d;
            if (closed) {
                d.close();
                return;
            }
            d.registerService(ServiceInfo.create(SERVICE_TYPE, name, port, ""));
            LOG.log(System.Logger.Level.INFO, "wyoming: advertised as {0}.{1} on {2}", name, SERVICE_TYPE,
                    d.getInetAddress());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "wyoming: zeroconf advertisement failed ({0}); Home Assistant can "
                    + "still be pointed at the port by hand (wyoming.zeroconf: false silences this)", e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            starter.join(java.time.Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        JmDNS d = jmdns;
        if (d != null) {
            d.unregisterAllServices();
            try {
                d.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "wyoming: zeroconf close failed: {0}", e.getMessage());
            }
        }
    }
}

package dev.chorus.server;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.wyoming.WyomingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Wyoming port is advertised over mDNS as {@code _wyoming._tcp}, as Home Assistant's discovery looks for it: a
 * browser on the same network finds the service with the listener's address and port.
 */
@Timeout(60)
class WyomingZeroconfTest {

    @Test
    void thePortIsFoundByAnMdnsBrowser() throws Exception {
        InetAddress address = lanAddress();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new PacedEngineProvider()))
                .defaultVoice("paced:tone").build();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build()) {
            ChorusServer server = ChorusServer.create(synthesizer, ServerConfig.builder().port(0).warmUp(false)
                    .metricsEnabled(false).shutdownQuietPeriod(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(2))
                    .wyoming(WyomingConfig.builder().port(0).host(address.getHostAddress()).name("chorus-zeroconf-test")
                            .build()).build()).start();
            try (JmDNS browser = JmDNS.create(address, "wyoming-browser")) {
                ServiceInfo found = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                while (found == null && System.nanoTime() < deadline) {
                    for (ServiceInfo s : browser.list("_wyoming._tcp.local.", 1000)) {
                        if (!s.getName().startsWith("chorus-zeroconf-test")) {
                            continue;
                        }
                        // A browser may list the name before its SRV and address records came (port 0): ask for them.
                        ServiceInfo resolved = s.getPort() != 0 && s.getInetAddresses().length > 0 ? s
                                : browser.getServiceInfo(s.getType(), s.getName(), 1000);
                        if (resolved != null && resolved.getPort() != 0 && resolved.getInetAddresses().length > 0) {
                            found = resolved;
                        }
                    }
                }
                assertThat(found).as("_wyoming._tcp service named chorus-zeroconf-test").isNotNull();
                assertThat(found.getPort()).isEqualTo(server.wyomingPort());
                assertThat(found.getInetAddresses()).contains(address);
            } finally {
                server.stop();
            }
        }
    }

    /** Returns this machine's first IPv4 address on an interface that is up and carries multicast. */
    private static InetAddress lanAddress() throws Exception {
        for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
            if (n.isUp() && !n.isLoopback() && n.supportsMulticast()) {
                for (InetAddress a : n.inetAddresses().toList()) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                }
            }
        }
        throw new AssertionError("no network interface with IPv4 and multicast: mDNS advertisement cannot be "
                + "checked on this machine (a loopback-only port is never advertised)");
    }
}

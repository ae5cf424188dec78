package dev.chorus.cluster.host;

import dev.chorus.cluster.WorkerLoad;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the crash guard needs from the engine hosts' supervisor and from the gateway that reaches them. */
public interface HostControl {

    /** Returns how long until a host that is down starts again (zero when none waits). */
    Duration restartIn();

    /** Returns the worker API addresses of the hosts ({@code 127.0.0.1:PORT}). */
    List<String> addresses();

    /** Returns the address of host {@code number} (from 1), or null. */
    String address(int number);

    /** Returns how long the current process of the host at {@code address} has run, or null when none runs. */
    Duration uptime(String address);

    /** Returns the hosts' latest load reports by address. */
    Map<String, WorkerLoad> loads();

    /** Kills the host at {@code address} because it hung; returns whether a running host was killed. */
    boolean killHung(String address, String reason);

    /** Returns the control over {@code hosts}, reached through a gateway whose reports are {@code loads}. */
    static HostControl of(EngineHosts hosts, java.util.function.Supplier<Map<String, WorkerLoad>> loads) {
        return new HostControl() {
            @Override
            public Duration restartIn() {
                return hosts.nextRestartIn();
            }

            @Override
            public List<String> addresses() {
                return hosts.addresses();
            }

            @Override
            public String address(int number) {
                return hosts.address(number);
            }

            @Override
            public Duration uptime(String address) {
                return hosts.uptime(address);
            }

            @Override
            public Map<String, WorkerLoad> loads() {
                return loads.get();
            }

            @Override
            public boolean killHung(String address, String reason) {
                return hosts.killHung(address, reason);
            }
        };
    }
}

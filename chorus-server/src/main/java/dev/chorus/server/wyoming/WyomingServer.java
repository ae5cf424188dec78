package dev.chorus.server.wyoming;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.server.ServerConfig;
import dev.chorus.server.telemetry.SessionTelemetry;
import dev.chorus.server.telemetry.Telemetry;
import dev.chorus.server.tenant.TenantGate;
import dev.chorus.service.SpeechService;
import dev.chorus.tts.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Wyoming protocol front end ({@code wyoming.port}): text to speech for Home Assistant and other Wyoming
 * clients over plain TCP, a thin adapter over the same speech pipeline as the HTTP and gRPC routes.
 *
 * <p>Design: one virtual thread accepts and one virtual thread serves each connection, so a slow connection
 * holds no other and no engine worker (audio is handed over through a bounded queue, see {@link QueuedAudio}).
 * At most {@code wyoming.max-connections} connections are served at once; one more gets an {@code error} event
 * and is closed. Stopping drains: no new connections, idle ones are closed at once, busy ones finish the event
 * they are answering within the server's shutdown timeout.
 */
public final class WyomingServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WyomingServer.class.getName());

    private final SpeechService speech;
    private final ServerConfig config;
    private final WyomingConfig wyoming;
    private final TenantGate tenants;
    private final Telemetry telemetry;
    private final WyomingInfo info;
    private final Semaphore slots;
    private final Set<WyomingConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private ServerSocket listener;
    private Thread acceptor;
    private Zeroconf zeroconf;
    private volatile boolean draining;

    /**
     * Creates the front end; nothing listens until {@link #start()}.
     *
     * @param tenants the server's tenants, or null when it runs open
     * @throws InvalidInputException when {@code wyoming.tenant} is set on a server without tenants, or names no
     *                               tenant of its tenants file
     */
    public WyomingServer(SpeechService speech, ServerConfig config, WyomingConfig wyoming, TenantGate tenants,
                         Telemetry telemetry, String version) {
        this.speech = Objects.requireNonNull(speech, "speech");
        this.config = Objects.requireNonNull(config, "config");
        this.wyoming = Objects.requireNonNull(wyoming, "wyoming");
        this.tenants = tenants;
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.info = new WyomingInfo(speech.router(), wyoming.name(), version);
        this.slots = new Semaphore(wyoming.maxConnections());
        if (wyoming.tenant() != null) {
            if (tenants == null) {
                throw new InvalidInputException("wyoming.tenant", "wyoming.tenant: '" + wyoming.tenant() + "' on a "
                        + "server without tenants (expected: tenants.file set too, or no wyoming.tenant)");
            }
            if (tenants.tenant(wyoming.tenant()).isEmpty()) {
                throw new InvalidInputException("wyoming.tenant", "wyoming.tenant: '" + wyoming.tenant() + "' is no "
                        + "tenant of " + config.tenantsFile() + " (expected: the id of one of its tenants)");
            }
        }
    }

    /** Binds the port, starts accepting connections and, when asked, advertises the port over mDNS. */
    public WyomingServer start() {
        String host = wyoming.host() != null ? wyoming.host() : config.host();
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(host, wyoming.port()), 128);
        } catch (IOException e) {
            closeListener();
            var bind = new java.net.BindException("cannot listen on " + host + ":" + wyoming.port() + " (Wyoming): "
                    + e.getMessage() + " (choose another with --wyoming-port or CHORUS_WYOMING_PORT)");
            bind.initCause(e);
            throw new UncheckedIOException(bind);
        }
        acceptor = Thread.ofVirtual().name("wyoming-accept").start(this::accept);
        LOG.log(System.Logger.Level.INFO, "listening on {0}:{1,number,#} (Wyoming{2})", host, port(),
                wyoming.tenant() != null ? ", tenant " + wyoming.tenant()
                        : tenants != null ? ", an API key in each connection's first event" : "");
        if (wyoming.zeroconf()) {
            zeroconf = Zeroconf.advertise(wyoming.name(), listener.getInetAddress(), port());
        }
        return this;
    }

    /** Returns the port listened on (the chosen one when configured as 0), or -1 before start. */
    public int port() {
        return listener == null ? -1 : listener.getLocalPort();
    }

    /** Returns how many connections are served now (at most wyoming.max-connections). */
    public int openConnections() {
        return connections.size();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, "wyoming: accept failed: {0}", e.getMessage());
                }
                continue;
            }
            if (draining || !slots.tryAcquire()) {
                Thread.ofVirtual().start(() -> refuse(s));
                continue;
            }
            WyomingConnection c = new WyomingConnection(this, s, "w" + ids.incrementAndGet());
            connections.add(c);
            Thread.ofVirtual().name("wyoming-" + ids.get()).start(c);
        }
    }

    /** Tells a connection past the limit why it is closed, then closes it. */
    private void refuse(Socket s) {
        try (s) {
            var d = JsonNodeFactory.instance.objectNode();
            d.put("text", draining ? "the server is shutting down" : "too many connections: "
                    + wyoming.maxConnections() + " are open (wyoming.max-connections; retry when one closes)");
            d.put("code", draining ? "unavailable" : "too_many_connections");
            s.setSoTimeout(1000);
            s.getOutputStream().write(EventCodec.encode("error", d));
        } catch (IOException e) {
            // The client is gone already.
        }
    }

    /** Called by a connection whose thread is ending. */
    void closed(WyomingConnection c) {
        if (connections.remove(c)) {
            slots.release();
        }
    }

    SpeechService speech() {
        return speech;
    }

    ServerConfig config() {
        return config;
    }

    WyomingConfig wyoming() {
        return wyoming;
    }

    TenantGate tenants() {
        return tenants;
    }

    WyomingInfo info() {
        return info;
    }

    boolean draining() {
        return draining;
    }

    /** Returns the telemetry of one synthesis for {@code tenant} (null: none). */
    SessionTelemetry telemetry(String tenant) {
        return SessionTelemetry.start(telemetry, "wyoming/synthesize", tenant, tenants,
                "wyoming-" + Long.toHexString(ids.incrementAndGet()) + "-" + Long.toHexString(System.nanoTime()));
    }

    /**
     * Stops: withdraws the advertisement, stops accepting, closes idle connections at once and lets busy ones
     * finish their event within the server's shutdown timeout, then closes what is left. Blocks until done.
     */
    @Override
    public void close() {
        draining = true;
        if (zeroconf != null) {
            zeroconf.close();
        }
        closeListener();
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            connections.stream().filter(c -> !c.busy()).forEach(WyomingConnection::close);
            try {
                Thread.sleep(Duration.ofMillis(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.forEach(WyomingConnection::close);
        if (acceptor != null) {
            try {
                acceptor.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeListener() {
        if (listener != null) {
            try {
                listener.close();
            } catch (IOException e) {
                // Closing is all that was asked.
            }
        }
    }
}

package dev.chorus.server.tenant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tenants of the tenants file, reloaded when the file changes.
 *
 * <p>Design: the tenants are an immutable {@link Directory} behind an atomic reference; a reload parses the whole
 * file and swaps the reference, so a request sees either the old tenants or the new ones, never a mix. A daemon
 * thread rereads the file every poll interval and compares its content hash (so editors that write a new file and
 * rename it are seen too); a changed content is applied once two reads in a row agree, so a file caught half
 * written is never taken for the whole; a file that fails to parse keeps the previous tenants and logs the error with
 * its line and column. Key lookups hash the presented key once per stored key; a match is remembered per
 * directory (by the SHA-256 of the key), so a reload that revokes a key forgets it at once.
 */
final class TenantRegistry implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TenantRegistry.class.getName());
    private static final int MATCH_CACHE_LIMIT = 10_000;

    private final Path file;
    private final AtomicReference<Directory> current = new AtomicReference<>();
    private final ScheduledExecutorService watcher;
    private volatile String lastSeen = "";
    private String pending;
    private volatile long reloads;
    private volatile String lastError;

    /** The result of looking up a key. */
    record KeyMatch(Tenant tenant, Tenant.ApiKey key) {
    }

    /** One parse of the tenants file. */
    static final class Directory {
        private final List<Tenant> tenants;
        private final Map<String, Tenant> byId = new LinkedHashMap<>();
        private final Map<String, KeyMatch> matches = new ConcurrentHashMap<>();

        Directory(List<Tenant> tenants) {
            this.tenants = List.copyOf(tenants);
            tenants.forEach(t -> byId.put(t.id(), t));
        }

        List<Tenant> tenants() {
            return tenants;
        }

        Optional<Tenant> byId(String id) {
            return Optional.ofNullable(byId.get(id));
        }

        /** Returns the tenant and key that {@code key} is, revoked or not, if any. */
        Optional<KeyMatch> byKey(String key) {
            String digest = fingerprint(key);
            KeyMatch known = matches.get(digest);
            if (known != null) {
                return Optional.of(known);
            }
            for (Tenant t : tenants) {
                for (Tenant.ApiKey k : t.keys()) {
                    if (k.hash().matches(key)) {
                        KeyMatch m = new KeyMatch(t, k);
                        if (matches.size() < MATCH_CACHE_LIMIT) {
                            matches.put(digest, m);
                        }
                        return Optional.of(m);
                    }
                }
            }
            return Optional.empty();
        }

        /** Returns the tenant whose SPIFFE IDs take in {@code spiffeId}: an exact entry first, then prefixes. */
        Optional<Tenant> bySpiffeId(String spiffeId) {
            for (Tenant t : tenants) {
                if (t.spiffeIds().contains(spiffeId)) {
                    return Optional.of(t);
                }
            }
            return tenants.stream().filter(t -> t.matchesSpiffeId(spiffeId)).findFirst();
        }
    }

    /**
     * Reads {@code file} now and then every {@code pollInterval}.
     *
     * @throws IllegalArgumentException when the file cannot be read or parsed at start-up, with line and column
     */
    TenantRegistry(Path file, Duration pollInterval) {
        this.file = file;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("tenants.file: " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("tenants.file: cannot read " + file + ": " + e.getMessage(), e);
        }
        current.set(new Directory(TenantsFile.parse(file.toString(), text)));
        lastSeen = fingerprint(text);
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chorus-tenants-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(10, pollInterval.toMillis());
        watcher.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Whether the server has a speech back-check that tenants' own modes can use (see {@link #backcheck}). */
    private volatile boolean backcheck = true;

    /**
     * Tells the registry whether the server runs a speech back-check; without one, tenants that set their own
     * {@code backcheck} mode are named in a WARNING now and at each reload, as their entries have no effect.
     */
    public void backcheck(boolean available) {
        this.backcheck = available;
        warnUnusedBackcheck(current.get());
    }

    private void warnUnusedBackcheck(Directory d) {
        if (backcheck) {
            return;
        }
        List<String> ids = d.tenants().stream().filter(t -> t.backcheck() != null
                && t.backcheck().mode() != dev.chorus.service.backcheck.BackcheckMode.OFF).map(Tenant::id).toList();
        if (!ids.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "tenants: " + String.join(", ", ids) + " set a backcheck mode, but "
                    + "the server has no speech back-check (backcheck.mode is off), so it has no effect; set "
                    + "backcheck.mode (sampled with backcheck.sample-fraction 0 checks only the tenants that ask)");
        }
    }

    /** Returns the tenants now. */
    Directory directory() {
        return current.get();
    }

    /** Returns how many reloads succeeded since start-up. */
    long reloads() {
        return reloads;
    }

    /** Returns the error of the last reload that failed, or null when the last one succeeded. */
    String lastError() {
        return lastError;
    }

    /** Rereads the file if it changed; a broken file keeps the previous tenants. */
    void check() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            fail("tenants.file: cannot read " + file + " (keeping the previous tenants): " + e.getMessage());
            return;
        }
        String fp = fingerprint(text);
        if (fp.equals(lastSeen)) {
            pending = null;
            return;
        }
        if (!fp.equals(pending)) {
            pending = fp; // Changed since the last read: wait one interval for the writer to finish.
            return;
        }
        pending = null;
        lastSeen = fp;
        try {
            Directory d = new Directory(TenantsFile.parse(file.toString(), text));
            current.set(d);
            reloads++;
            lastError = null;
            LOG.log(System.Logger.Level.INFO, "tenants: reloaded {0}: {1} tenant(s)", file, d.tenants().size());
            warnUnusedBackcheck(d);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage() + " (keeping the previous tenants)");
        }
    }

    private void fail(String message) {
        if (!message.equals(lastError)) {
            LOG.log(System.Logger.Level.ERROR, message);
        }
        lastError = message;
    }

    private static String fingerprint(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}

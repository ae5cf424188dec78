package dev.chorus.server.tenant;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tenant limits kept in this process. Request ceilings are sliding window logs ({@link RequestWindow}) read
 * against an injected nanosecond ticker; character buckets are plain Bucket4j buckets; the monthly quota counters are
 * charged in memory under one lock and written behind, to {@code quota-YYYY-MM.properties} in the state directory
 * (a temporary file, then moved over the old one atomically), by a thread of their own at most every
 * {@link #FLUSH_INTERVAL} and on close. A request never waits for the disk, so no charge blocks a thread (a cache
 * hit for a tenant is answered on the event loop); a restart loses no charge, and a crash loses at most the last
 * second's charges (as a Redis limit store with {@code appendfsync everysec} does).
 */
final class LocalTenantLimits implements TenantLimitStore {

    private static final System.Logger LOG = System.getLogger(LocalTenantLimits.class.getName());

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, RequestWindow> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanos;
    private final Path stateDir;
    private YearMonth loadedMonth;
    private final Map<String, Long> use = new TreeMap<>();
    /** Whether {@link #use} has charges not written yet. Guarded by {@code this}. */
    private boolean dirty;
    /** Serializes the file writes (the flusher's and close's), apart from the charges' lock. */
    private final Object writing = new Object();
    private final ScheduledExecutorService flusher;

    /** How long a charge may stay unwritten. */
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

    /** Creates the store; {@code stateDir} is created if missing, and null keeps the quota in memory only. */
    LocalTenantLimits(Path stateDir) {
        this(stateDir, System::nanoTime);
    }

    /** Creates the store with the ticker ({@code System.nanoTime()}-like) that request windows are read against. */
    LocalTenantLimits(Path stateDir, LongSupplier nanos) {
        this.stateDir = stateDir;
        this.nanos = java.util.Objects.requireNonNull(nanos, "nanos");
        if (stateDir != null) {
            try {
                Files.createDirectories(stateDir);
            } catch (IOException e) {
                throw new UncheckedIOException("tenants.state-dir: cannot create " + stateDir + ": " + e.getMessage(),
                        e);
            }
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chorus-tenant-quota-writer");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_INTERVAL.toMillis(), FLUSH_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    @Override
    public WindowProbe tryRequest(String key, long perSecond) {
        return windows.computeIfAbsent(key, k -> new RequestWindow(perSecond)).tryAcquire(nanos.getAsLong());
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration config, long tokens) {
        return bucket(key, config).tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public void refund(String key, BucketConfiguration config, long tokens) {
        bucket(key, config).addTokens(tokens);
    }

    private Bucket bucket(String key, BucketConfiguration config) {
        return buckets.computeIfAbsent(key, k -> {
            var b = Bucket.builder();
            for (Bandwidth limit : config.getBandwidths()) {
                b.addLimit(limit);
            }
            return b.build();
        });
    }

    @Override
    public synchronized long chargeMonthly(String tenant, YearMonth month, long characters, long limit) {
        load(month);
        long used = use.getOrDefault(tenant, 0L);
        if (limit > 0 && used + characters > limit) {
            return -1 - used;
        }
        use.put(tenant, used + characters);
        dirty = stateDir != null;
        return used + characters;
    }

    @Override
    public synchronized long monthlyUse(String tenant, YearMonth month) {
        load(month);
        return use.getOrDefault(tenant, 0L);
    }

    /** Nothing here waits: charges are in memory, and the quota file is written behind. */
    @Override
    public boolean mayBlock() {
        return false;
    }

    @Override
    public String describe() {
        return stateDir == null ? "in memory (monthly quotas are lost on restart)"
                : "in this process; monthly quotas in " + stateDir;
    }

    /** Writes the charges not written yet, and stops the writer. */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdown();
            flush();
        }
    }

    /** Writes the month's charges if any is unwritten. */
    void flush() {
        synchronized (writing) {
            YearMonth month;
            Map<String, Long> snapshot;
            synchronized (this) {
                if (!dirty) {
                    return;
                }
                dirty = false;
                month = loadedMonth;
                snapshot = new TreeMap<>(use);
            }
            try {
                save(month, snapshot);
            } catch (UncheckedIOException e) {
                synchronized (this) {
                    if (month.equals(loadedMonth)) {
                        dirty = true; // Tried again at the next interval.
                    }
                }
                throw e;
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        }
    }

    private void load(YearMonth month) {
        if (month.equals(loadedMonth)) {
            return;
        }
        if (dirty) {
            // A new month: the old one's last charges are written first (once a month, on the charging thread).
            save(loadedMonth, new TreeMap<>(use));
            dirty = false;
        }
        use.clear();
        loadedMonth = month;
        Path f = file(month);
        if (f == null || !Files.exists(f)) {
            return;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("tenants.state-dir: cannot read " + f + ": " + e.getMessage(), e);
        }
        p.stringPropertyNames().forEach(t -> use.put(t, Long.parseLong(p.getProperty(t).strip())));
    }

    private void save(YearMonth month, Map<String, Long> counts) {
        Path f = file(month);
        if (f == null) {
            return;
        }
        Properties p = new Properties();
        counts.forEach((t, n) -> p.setProperty(t, Long.toString(n)));
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "characters used per tenant in " + month + " (UTC)");
        } catch (IOException e) {
            throw new UncheckedIOException("tenants.state-dir: cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("tenants.state-dir: cannot replace " + f + ": " + e.getMessage(), e);
        }
    }

    private Path file(YearMonth month) {
        return stateDir == null ? null : stateDir.resolve("quota-" + month + ".properties");
    }
}

package dev.chorus.server.tenant;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** What one tenant used since this server started: admitted requests, characters, audio seconds, refusals. */
final class TenantUsage {

    final String tenant;
    final LongAdder requests = new LongAdder();
    final LongAdder characters = new LongAdder();
    final DoubleAdder audioSeconds = new DoubleAdder();
    private final Map<String, LongAdder> rejections = new ConcurrentHashMap<>();

    TenantUsage(String tenant) {
        this.tenant = tenant;
    }

    void rejected(String reason) {
        rejections.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Returns the refusals by reason, sorted by reason. */
    Map<String, Long> rejections() {
        Map<String, Long> m = new TreeMap<>();
        rejections.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}

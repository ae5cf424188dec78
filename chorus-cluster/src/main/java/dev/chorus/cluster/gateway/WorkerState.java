package dev.chorus.cluster.gateway;

import java.util.Locale;

/** What a gateway knows of one worker, as {@code GET /admin/cluster} shows it. */
public enum WorkerState {
    /** Reporting, taking work. */
    UP,
    /** Reporting that it is stopping: finishes what it has, gets nothing new. */
    DRAINING,
    /** Not connected: never reported yet, or its report stream broke (the gateway keeps reconnecting). */
    DOWN,
    /** Connected but silent past the ejection time: its streams were moved elsewhere and it gets nothing new. */
    EJECTED;

    /** Returns the lower-case name used in JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

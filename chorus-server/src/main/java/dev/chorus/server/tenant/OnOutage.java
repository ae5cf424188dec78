package dev.chorus.server.tenant;

import java.util.Locale;

/** What a limited request gets while the shared limit store (Redis) does not answer ({@code tenants.redis.on-outage}). */
public enum OnOutage {

    /** Refuse it at once: 503 {@code limit_store_unavailable} with Retry-After. */
    FAIL_CLOSED,

    /** Admit it against limits counted in this process alone, and add its monthly use to Redis once it is back. */
    FAIL_OPEN;

    /**
     * Returns the policy a setting names: {@code fail-closed} or {@code fail-open}.
     *
     * @throws IllegalArgumentException for any other value, naming the setting and the choices
     */
    public static OnOutage of(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "fail-closed" -> FAIL_CLOSED;
            case "fail-open" -> FAIL_OPEN;
            default -> throw new IllegalArgumentException("tenants.redis.on-outage: '" + value
                    + "' (expected: fail-closed or fail-open)");
        };
    }

    /** Returns the setting's spelling: {@code fail-closed} or {@code fail-open}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

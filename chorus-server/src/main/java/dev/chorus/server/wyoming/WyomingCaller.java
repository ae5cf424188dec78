package dev.chorus.server.wyoming;

import dev.chorus.server.telemetry.SessionTelemetry;
import dev.chorus.server.tenant.Tenant;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechTelemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One synthesis on a Wyoming connection as the speech pipeline sees it: the connection's tenant (its content
 * policy and priority), its telemetry and request id. The protocol has no response metadata, so rate-limit
 * figures are dropped; work that must end with the response (a tenant's stream slot) runs at {@link #done()}.
 */
final class WyomingCaller implements Caller {

    private final String tenantId;
    private final Tenant tenant;
    private final SessionTelemetry telemetry;
    private final List<Runnable> whenDone = new ArrayList<>();
    private boolean done;

    /**
     * Creates the caller of tenant {@code tenantId} (null: none), whose entry in the tenants file is {@code tenant}
     * (null when it has none now: admission then refuses it, as it refuses a key of a removed tenant).
     */
    WyomingCaller(String tenantId, Tenant tenant, SessionTelemetry telemetry) {
        this.tenantId = tenantId;
        this.tenant = tenant;
        this.telemetry = telemetry;
    }

    @Override
    public String tenant() {
        return tenantId;
    }

    @Override
    public Map<String, String> contentPolicy() {
        return tenant == null ? Map.of() : tenant.contentPolicy();
    }

    @Override
    public dev.chorus.service.backcheck.BackcheckChoice backcheck() {
        return tenant == null ? null : tenant.backcheck();
    }

    @Override
    public int priority() {
        return tenant == null ? 0 : tenant.priority();
    }

    @Override
    public String requestId() {
        return telemetry.requestId();
    }

    @Override
    public SpeechTelemetry telemetry() {
        return telemetry;
    }

    @Override
    public void whenDone(Runnable action) {
        boolean now;
        synchronized (this) {
            now = done;
            if (!now) {
                whenDone.add(action);
            }
        }
        if (now) {
            action.run();
        }
    }

    /** Ends the response: runs what waited for it, once. */
    void done() {
        List<Runnable> actions;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            actions = List.copyOf(whenDone);
        }
        actions.forEach(Runnable::run);
    }
}

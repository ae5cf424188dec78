package dev.chorus.server.tenant;

import dev.chorus.service.ApiException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.chorus.server.admin.AdminService;
import dev.chorus.server.internal.ApiErrors;

import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.Locale;

/**
 * The tenant usage routes, behind the admin key: every tenant's limits and what it used (admitted requests,
 * characters, audio seconds and refusals by reason since start-up, and its monthly quota use, which survives
 * restarts), and the state of the shared limit store's circuit breaker. Keys are never shown, only their ids and
 * whether they are revoked.
 */
public final class TenantAdminService {

    private final TenantGate gate;
    private final byte[] key;

    public TenantAdminService(TenantGate gate, String adminKey) {
        this.gate = gate;
        this.key = adminKey == null ? null : adminKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Lists every tenant with its limits and usage. */
    @Get("/admin/tenants")
    @Blocking
    @Description("Lists tenants with their limits and usage (admin key).")
    public HttpResponse list(ServiceRequestContext ctx) {
        try {
            AdminService.check(ctx, key);
            ObjectNode root = JsonNodeFactory.instance.objectNode().put("object", "list");
            var data = root.putArray("data");
            YearMonth month = gate.month();
            TenantRegistry r = gate.registry();
            r.directory().tenants().forEach(t -> data.add(describe(t, month)));
            root.put("reloads", r.reloads());
            if (r.lastError() != null) {
                root.put("reload_error", r.lastError());
            } else {
                root.putNull("reload_error");
            }
            root.put("limits_store", gate.limits().describe());
            LimitStoreBreaker b = gate.breaker();
            if (b == null) {
                root.putNull("limits_store_breaker");
            } else {
                root.putObject("limits_store_breaker").put("state", b.state().name().toLowerCase(Locale.ROOT))
                        .put("on_outage", b.onOutage().toString())
                        .put("consecutive_failures", b.consecutiveFailures()).put("times_opened", b.timesOpened())
                        .put("admitted_during_outage", gate.admittedDuringOutage())
                        .put("owed_characters", b.owedCharacters());
            }
            return HttpResponse.ofJson(root);
        } catch (RuntimeException e) {
            return ApiErrors.of(e).toResponse().toHttpResponse();
        }
    }

    /** Shows one tenant's limits and usage. */
    @Get("/admin/tenants/{id}")
    @Blocking
    @Description("Shows one tenant's limits and usage (admin key).")
    public HttpResponse one(ServiceRequestContext ctx, @Param("id") String id) {
        try {
            AdminService.check(ctx, key);
            Tenant t = gate.registry().directory().byId(id).orElseThrow(() -> new ApiException(404,
                    "tenant_not_found", "id", "tenant: '" + id + "' does not exist (see GET /admin/tenants)"));
            return HttpResponse.ofJson(describe(t, gate.month()));
        } catch (RuntimeException e) {
            return ApiErrors.of(e).toResponse().toHttpResponse();
        }
    }

    private ObjectNode describe(Tenant t, YearMonth month) {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("id", t.id()).put("priority", t.priority());
        var keys = n.putArray("keys");
        t.keys().forEach(k -> keys.addObject().put("id", k.id()).put("revoked", k.revoked()));
        var voices = n.putArray("voices");
        t.voices().forEach(voices::add);
        Tenant.Limits l = t.limits();
        n.putObject("limits").put("requests_per_second", l.requestsPerSecond())
                .put("characters_per_second", l.charactersPerSecond()).put("characters_burst", l.charactersBurst())
                .put("monthly_characters", l.monthlyCharacters()).put("concurrent_streams", l.concurrentStreams());
        TenantUsage u = gate.usage(t.id());
        ObjectNode usage = n.putObject("usage").put("requests", u.requests.sum())
                .put("characters", u.characters.sum()).put("audio_seconds", u.audioSeconds.sum())
                .put("open_streams", gate.openStreams(t.id()));
        ObjectNode rej = usage.putObject("rejections");
        u.rejections().forEach(rej::put);
        long used = gate.limits().monthlyUse(t.id(), month);
        ObjectNode q = n.putObject("quota").put("month", month.toString()).put("used_characters", used);
        if (l.monthlyCharacters() > 0) {
            q.put("limit_characters", l.monthlyCharacters())
                    .put("remaining_characters", Math.max(0, l.monthlyCharacters() - used));
        } else {
            q.putNull("limit_characters");
        }
        return n;
    }
}

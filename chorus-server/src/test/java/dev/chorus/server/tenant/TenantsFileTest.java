package dev.chorus.server.tenant;

import dev.chorus.server.ApiKeyHash;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tenants file as an operator writes it: every field read, mistakes reported with line and column, SPIFFE IDs
 * matched exactly or by path prefix, voices by glob, keys only by their salted hash.
 */
class TenantsFileTest {

    private static final String KEY = ApiKeyHash.newKey();

    @Test
    void everyFieldIsRead() {
        List<Tenant> ts = TenantsFile.parse("t.yaml", """
                tenants:
                  - id: acme
                    priority: -2
                    keys:
                      - {id: main, hash: "%s"}
                      - {id: old, hash: "%s", revoked: true}
                    spiffe-ids: ["spiffe://example.org/ns/acme/*", "spiffe://other.org/web"]
                    voices: ["espeak:*", alloy]
                    limits:
                      requests-per-second: 10
                      characters-per-second: 100
                      monthly-characters: 1_000_000
                      concurrent-streams: 3
                    content-policy: {default: block, self-harm: log}
                    backcheck: {mode: sampled, sample-fraction: 0.25}
                  - id: open
                """.formatted(ApiKeyHash.of(KEY), ApiKeyHash.of(ApiKeyHash.newKey())));
        Tenant a = ts.getFirst();
        assertThat(a.priority()).isEqualTo(-2);
        assertThat(a.keys()).extracting(Tenant.ApiKey::id).containsExactly("main", "old");
        assertThat(a.keys().get(1).revoked()).isTrue();
        assertThat(a.keys().getFirst().hash().matches(KEY)).isTrue();
        assertThat(a.limits()).isEqualTo(new Tenant.Limits(10, 100, 100, 1_000_000, 3));
        assertThat(a.contentPolicy()).containsEntry("default", "block").containsEntry("self-harm", "log");
        assertThat(a.backcheck()).isEqualTo(new dev.chorus.service.backcheck.BackcheckChoice(
                dev.chorus.service.backcheck.BackcheckMode.SAMPLED, 0.25));
        assertThat(ts.get(1).backcheck()).isNull();
        assertThat(ts.get(1).limits()).isEqualTo(Tenant.Limits.NONE);
        assertThat(ts.get(1).allowsVoice("piper:x", null)).isTrue();

        assertThat(a.allowsVoice("espeak:en-us", null)).isTrue();
        assertThat(a.allowsVoice("hmm:cmu-slt-hsmm", "alloy")).isTrue();
        assertThat(a.allowsVoice("hmm:cmu-slt-hsmm", "nova")).isFalse();

        TenantRegistry.Directory d = new TenantRegistry.Directory(ts);
        assertThat(d.bySpiffeId("spiffe://example.org/ns/acme/sa/web")).map(Tenant::id).hasValue("acme");
        assertThat(d.bySpiffeId("spiffe://other.org/web")).map(Tenant::id).hasValue("acme");
        assertThat(d.bySpiffeId("spiffe://other.org/web/x")).isEmpty();
        assertThat(d.bySpiffeId("spiffe://example.org/ns/acmeX/sa")).isEmpty();
        assertThat(d.byKey(KEY)).map(m -> m.key().id()).hasValue("main");
        assertThat(d.byKey(KEY)).map(m -> m.key().id()).hasValue("main"); // remembered
        assertThat(d.byKey(KEY + "x")).isEmpty();
    }

    @Test
    void mistakesNameTheLineColumnAndField() {
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", """
                tenants:
                  - id: a
                    limits:
                      requests-per-second: -1
                """)).hasMessage("t.yaml:4:28: tenants[0].limits.requests-per-second: '-1' (expected: a whole "
                + "number from 0 to 1000000)");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants:\n  - id: a\n    limit: {}\n"))
                .hasMessageContaining("t.yaml:3:5: tenants[0].limit: unknown field").hasMessageContaining("limits");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants:\n  - id: a\n    keys: [{id: k, hash: x}]\n"))
                .hasMessageContaining("t.yaml:3:26: tenants[0].keys[0].hash").hasMessageContaining("hash-key");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants:\n  - id: a\n    backcheck: {mode: loud}\n"))
                .hasMessageContaining("t.yaml:3:23: tenants[0].backcheck.mode: 'loud' (expected: off, sampled, "
                        + "strict or all)");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml",
                "tenants:\n  - id: a\n    backcheck: {mode: sampled, sample-fraction: 2}\n"))
                .hasMessageContaining("tenants[0].backcheck.sample-fraction: '2' (expected: a number from 0 to 1)");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants:\n  - id: a\n    backcheck: {}\n"))
                .hasMessageContaining("tenants[0].backcheck.mode: missing");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants:\n  - id: a\n  - id: a\n"))
                .hasMessageContaining("second tenant with that id");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants:\n  - id: a\n    content-policy: {x: shout}\n"))
                .hasMessageContaining("block, mask, log");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants:\n  - id: a\n    spiffe-ids: [spiffe://x/*/y]\n"))
                .hasMessageContaining("t.yaml:3:18: tenants[0].spiffe-ids[0]");
        assertThatThrownBy(() -> TenantsFile.parse("t.yaml", "tenants: [\n")).hasMessageStartingWith("t.yaml:2:1: not valid YAML");
    }

    @Test
    void theTenantCarriesItsContentPolicyAndPriority() {
        Tenant a = TenantsFile.parse("t", "tenants:\n  - id: a\n    priority: 7\n"
                + "    content-policy: {default: log, violence: MASK}\n").getFirst();
        assertThat(a.priority()).isEqualTo(7);
        assertThat(a.contentPolicy()).containsEntry("default", "log").containsEntry("violence", "mask");
    }
}

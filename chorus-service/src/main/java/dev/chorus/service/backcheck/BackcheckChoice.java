package dev.chorus.service.backcheck;

import java.util.Objects;

/**
 * A tenant's own back-check mode, which replaces the server's {@code backcheck.mode} and
 * {@code backcheck.sample-fraction} for its requests (the tenants file's {@code backcheck}).
 *
 * @param mode           when to listen to the tenant's requests
 * @param sampleFraction the fraction {@link BackcheckMode#SAMPLED} listens to, 0 to 1
 */
public record BackcheckChoice(BackcheckMode mode, double sampleFraction) {

    public BackcheckChoice {
        Objects.requireNonNull(mode, "mode");
        if (!(sampleFraction >= 0 && sampleFraction <= 1)) {
            throw new IllegalArgumentException("backcheck.sample-fraction: " + sampleFraction + " (expected: 0 to 1)");
        }
    }
}

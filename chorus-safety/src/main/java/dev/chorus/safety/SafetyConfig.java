package dev.chorus.safety;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The content-safety settings of a server: where the rules are, the default policy, how masks sound, what a
 * timed-out pattern means, and where decisions are audited. Immutable; build one with {@link #builder()}.
 * Without a rules file, safety is off.
 */
public final class SafetyConfig {

    private static final SafetyConfig OFF = builder().build();

    private final Path rules;
    private final ContentPolicy policy;
    private final MaskSound mask;
    private final boolean failClosed;
    private final Duration patternTimeout;
    private final Duration reloadInterval;
    private final Path auditLog;
    private final boolean auditIncludeText;

    private SafetyConfig(Builder b) {
        this.rules = b.rules;
        this.policy = b.policy;
        this.mask = b.mask;
        this.failClosed = b.failClosed;
        this.patternTimeout = b.patternTimeout;
        this.reloadInterval = b.reloadInterval;
        this.auditLog = b.auditLog;
        this.auditIncludeText = b.auditIncludeText;
    }

    /** Returns settings with safety off. */
    public static SafetyConfig off() {
        return OFF;
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Tells whether a rules file is configured. */
    public boolean enabled() {
        return rules != null;
    }

    /** Returns the rules file, or null when safety is off. */
    public Path rules() {
        return rules;
    }

    /** Returns the server's default policy. */
    public ContentPolicy policy() {
        return policy;
    }

    /** Returns what masked words sound like. */
    public MaskSound mask() {
        return mask;
    }

    /** Tells whether a pattern that runs out of time counts as a match (fail-closed) or is only logged. */
    public boolean failClosed() {
        return failClosed;
    }

    /** Returns the time each pattern gets per request. */
    public Duration patternTimeout() {
        return patternTimeout;
    }

    /** Returns how often the rules file is checked for changes. */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    /** Returns the JSON-lines audit file, or null to audit through the {@code dev.chorus.safety.audit} logger. */
    public Path auditLog() {
        return auditLog;
    }

    /** Tells whether audit lines carry the matched text. */
    public boolean auditIncludeText() {
        return auditIncludeText;
    }

    /** Builds a {@link SafetyConfig}. */
    public static final class Builder {
        private Path rules;
        private ContentPolicy policy = ContentPolicy.of(java.util.Map.of(), Action.BLOCK);
        private MaskSound mask = MaskSound.BEEP;
        private boolean failClosed = true;
        private Duration patternTimeout = Duration.ofMillis(50);
        private Duration reloadInterval = Duration.ofSeconds(2);
        private Path auditLog;
        private boolean auditIncludeText;

        private Builder() {
        }

        /** Sets the rules file; null turns safety off. */
        public Builder rules(Path file) {
            this.rules = file;
            return this;
        }

        /** Sets the default policy (block for every category unless set). */
        public Builder policy(ContentPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /** Sets what masked words sound like (beep unless set). */
        public Builder mask(MaskSound m) {
            this.mask = Objects.requireNonNull(m, "mask");
            return this;
        }

        /** Sets whether a timed-out pattern counts as a match (true unless set). */
        public Builder failClosed(boolean on) {
            this.failClosed = on;
            return this;
        }

        /** Sets the time each pattern gets per request (50 ms unless set). */
        public Builder patternTimeout(Duration d) {
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("safety.pattern-timeout: " + d + " (expected: > 0 and <= 10s)");
            }
            this.patternTimeout = d;
            return this;
        }

        /** Sets how often the rules file is checked for changes (2 s unless set; 0: on every request). */
        public Builder reloadInterval(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("safety.reload-interval: " + d + " (expected: >= 0)");
            }
            this.reloadInterval = d;
            return this;
        }

        /** Sets the JSON-lines audit file; null audits through the logger. */
        public Builder auditLog(Path file) {
            this.auditLog = file;
            return this;
        }

        /** Sets whether audit lines carry the matched text (off unless set). */
        public Builder auditIncludeText(boolean on) {
            this.auditIncludeText = on;
            return this;
        }

        /** Returns the settings. */
        public SafetyConfig build() {
            return new SafetyConfig(this);
        }
    }
}

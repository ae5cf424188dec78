package dev.chorus.app;

import dev.chorus.jobs.JobsConfig;

import java.nio.file.Path;

/** Reads {@code data.dir} and the {@code jobs.*} settings into the long-form jobs' configuration. */
final class JobsSettings {

    private JobsSettings() {
    }

    /** Returns the jobs' configuration, or null when {@code jobs.enabled} is false. */
    static JobsConfig config(SourcedSettings s) {
        if (!s.flag("jobs.enabled")) {
            return null;
        }
        Path dataDir = s.has("data.dir") ? Path.of(s.string("data.dir")) : JobsConfig.defaultDataDir();
        JobsConfig.Builder b = JobsConfig.builder(dataDir);
        JobsConfig.StoreKind kind = s.guard("jobs.store", () -> JobsConfig.StoreKind.parse(s.string("jobs.store")));
        if (kind == JobsConfig.StoreKind.RAFT) {
            b.store(kind, RaftStoreSettings.opener(s, dataDir));
        } else {
            b.store(kind);
        }
        if (s.has("jobs.audio-dir")) {
            b.audioDir(Path.of(s.string("jobs.audio-dir")));
        }
        s.guard("jobs.max-input-chars", () -> b.maxInputChars(s.integer("jobs.max-input-chars")));
        s.guard("jobs.run-chars", () -> b.runChars(s.integer("jobs.run-chars")));
        s.guard("jobs.max-request-bytes", () -> b.maxRequestBytes(s.bytes("jobs.max-request-bytes")));
        s.guard("jobs.max-jobs-per-tenant", () -> b.maxJobsPerTenant(s.integer("jobs.max-jobs-per-tenant")));
        s.guard("jobs.max-stored-bytes", () -> b.maxStoredBytes(s.bytes("jobs.max-stored-bytes")));
        s.guard("jobs.default-ttl", () -> b.defaultTtl(s.duration("jobs.default-ttl")));
        s.guard("jobs.max-ttl", () -> b.maxTtl(s.duration("jobs.max-ttl")));
        s.guard("jobs.lease", () -> b.lease(s.duration("jobs.lease")));
        s.guard("jobs.workers", () -> b.workers(s.integer("jobs.workers")));
        if (s.has("jobs.s3.bucket")) {
            s.guard("jobs.s3.bucket", () -> b.s3(s.string("jobs.s3.bucket"),
                    s.has("jobs.s3.prefix") ? s.string("jobs.s3.prefix") : "",
                    s.has("jobs.s3.endpoint") ? java.net.URI.create(s.string("jobs.s3.endpoint")) : null,
                    s.has("jobs.s3.region") ? s.string("jobs.s3.region") : null, s.flag("jobs.s3.path-style")));
        }
        dev.chorus.jobs.AudioDownload.Mode download = s.guard("jobs.audio.download",
                () -> dev.chorus.jobs.AudioDownload.Mode.parse(s.string("jobs.audio.download")));
        s.guard("jobs.audio.presign-expiry", () -> b.audioDownload(new dev.chorus.jobs.AudioDownload(download,
                s.duration("jobs.audio.presign-expiry"))));
        if (s.has("jobs.webhook.key")) {
            s.guard("jobs.webhook.key", () -> b.webhookSecret(s.string("jobs.webhook.key")));
        }
        if (s.has("jobs.webhook.allow")) {
            s.guard("jobs.webhook.allow", () -> b.webhookAllow(s.list("jobs.webhook.allow")));
        }
        s.guard("jobs.webhook.max-attempts", () -> b.webhookMaxAttempts(s.integer("jobs.webhook.max-attempts")));
        s.guard("jobs.webhook.retry-base", () -> b.webhookRetryBase(s.duration("jobs.webhook.retry-base")));
        return s.guard("jobs.default-ttl", b::build);
    }
}

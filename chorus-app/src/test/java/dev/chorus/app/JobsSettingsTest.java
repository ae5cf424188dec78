package dev.chorus.app;

import dev.chorus.jobs.JobsConfig;
import dev.chorus.server.ServerConfig;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** data.dir and the jobs.* settings: defaults, sources, and errors that name the setting. */
class JobsSettingsTest {

    @Test
    void jobsAreOnByDefaultWithTheDocumentedLimitsUnderTheUsersDataDirectory() throws Exception {
        JobsConfig j = ServeSettings.load(null, Map.of(), Map.of()).serverConfig().jobs();
        assertThat(j).isNotNull();
        assertThat(j.dataDir()).isEqualTo(JobsConfig.defaultDataDir());
        assertThat(j.dataDir().toString()).endsWith("chorus");
        assertThat(j.sqliteFile()).isEqualTo(j.dataDir().resolve("jobs.db"));
        assertThat(j.audioDir()).isEqualTo(j.dataDir().resolve("jobs-audio"));
        assertThat(j.store()).isEqualTo(JobsConfig.StoreKind.SQLITE);
        assertThat(j.maxInputChars()).isEqualTo(1_000_000);
        assertThat(j.runChars()).isEqualTo(1000);
        assertThat(j.maxJobsPerTenant()).isEqualTo(1000);
        assertThat(j.maxStoredBytes()).isEqualTo(10L << 30);
        assertThat(j.defaultTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(j.maxTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(j.lease()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theDataDirectoryComesFromTheFlagOverTheEnvironment() throws Exception {
        ServerConfig env = ServeSettings.load(null, Map.of("CHORUS_DATA_DIR", "/srv/env"), Map.of()).serverConfig();
        assertThat(env.jobs().dataDir()).isEqualTo(Path.of("/srv/env"));
        ServeSettings flagged = ServeSettings.load(null, Map.of("CHORUS_DATA_DIR", "/srv/env"),
                Map.of("data.dir", "/srv/flag"));
        assertThat(flagged.serverConfig().jobs().dataDir()).isEqualTo(Path.of("/srv/flag"));
        assertThat(flagged.describe()).contains("data.dir: /srv/flag  # --data-dir");
        assertThat(ServeSettings.load(null, Map.of("CHORUS_JOBS_ENABLED", "false"), Map.of()).serverConfig().jobs())
                .isNull();
    }

    @Test
    void badValuesNameTheSettingAndWhereItCameFrom() {
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "etcd"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.store").hasMessageContaining("sqlite or raft");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "raft"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not available").hasMessageContaining("CHORUS_JOBS_STORE");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_RUN_CHARS", "10"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.run-chars: 10 (expected: >= 40)");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_DEFAULT_TTL", "800h"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class).hasMessageContaining("jobs.max-ttl");
    }

    @Test
    void theWebhookSecretIsReadButNeverPrinted() throws Exception {
        ServeSettings s = ServeSettings.load(null, Map.of("CHORUS_JOBS_WEBHOOK_KEY", "a-very-secret-signing-key",
                "CHORUS_JOBS_WEBHOOK_ALLOW", "127.0.0.1,hooks.internal"), Map.of());
        JobsConfig j = s.serverConfig().jobs();
        assertThat(j.webhookSecret()).isEqualTo("a-very-secret-signing-key");
        assertThat(j.webhookAllow()).containsExactly("127.0.0.1", "hooks.internal");
        assertThat(j.webhookMaxAttempts()).isEqualTo(8);
        assertThat(String.join("\n", s.describe())).doesNotContain("a-very-secret-signing-key")
                .contains("jobs.webhook.key: (set, 25 characters)");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_WEBHOOK_KEY", "short"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 16");
    }

    @Test
    void anS3BucketTakesTheAudioInsteadOfTheDirectory() throws Exception {
        JobsConfig j = ServeSettings.load(null, Map.of("CHORUS_JOBS_S3_BUCKET", "speech-jobs",
                "CHORUS_JOBS_S3_PREFIX", "eu1", "CHORUS_JOBS_S3_ENDPOINT", "http://minio:9000",
                "CHORUS_JOBS_S3_PATH_STYLE", "true"), Map.of()).serverConfig().jobs();
        assertThat(j.audioLocation()).isEqualTo("s3://speech-jobs/eu1/");
        assertThat(ServeSettings.load(null, Map.of(), Map.of()).serverConfig().jobs().audioLocation())
                .endsWith("jobs-audio");
    }

    @Test
    void downloadsAreProxiedUnlessPresignedIsChosenWithABoundedExpiry() throws Exception {
        JobsConfig j = ServeSettings.load(null, Map.of(), Map.of()).serverConfig().jobs();
        assertThat(j.audioDownload().mode()).isEqualTo(dev.chorus.jobs.AudioDownload.Mode.PROXY);
        assertThat(j.audioDownload().validFor()).isEqualTo(Duration.ofMinutes(15));
        JobsConfig p = ServeSettings.load(null, Map.of("CHORUS_JOBS_S3_BUCKET", "speech-jobs",
                "CHORUS_JOBS_AUDIO_DOWNLOAD", "presigned", "CHORUS_JOBS_AUDIO_PRESIGN_EXPIRY", "1h"), Map.of())
                .serverConfig().jobs();
        assertThat(p.audioDownload().presigned()).isTrue();
        assertThat(p.audioDownload().validFor()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_AUDIO_DOWNLOAD", "direct"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("proxy or presigned").hasMessageContaining("CHORUS_JOBS_AUDIO_DOWNLOAD");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_AUDIO_PRESIGN_EXPIRY", "200h"),
                Map.of()).serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.audio.presign-expiry").hasMessageContaining("168h");
    }
}

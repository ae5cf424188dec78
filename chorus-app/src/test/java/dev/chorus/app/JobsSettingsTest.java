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
    void raftNeedsThisNodesIdAndItsPeersAndStartsNothingUntilTheJobsStart() throws Exception {
        JobsConfig j = ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "raft", "CHORUS_JOBS_RAFT_ID", "b",
                "CHORUS_JOBS_RAFT_PEERS", "a=10.0.1.5:9870,b=10.0.2.5:9870,c=10.0.3.5:9870"), Map.of())
                .serverConfig().jobs();
        assertThat(j.store()).isEqualTo(JobsConfig.StoreKind.RAFT);
        assertThat(j.storeOpener()).isNotNull();
        dev.chorus.jobs.raft.RaftSettings r = RaftStoreSettings.settings(SourcedSettings.load(null,
                Map.of("CHORUS_JOBS_RAFT_ID", "b", "CHORUS_JOBS_RAFT_PEERS", "a=h1:1,b=h2:2,c=h3:3",
                        "CHORUS_DATA_DIR", "/srv/d"), Map.of()), Path.of("/srv/d"));
        assertThat(r.dir()).isEqualTo(Path.of("/srv/d/raft"));
        assertThat(r.snapshotEntries()).isEqualTo(10_000);
        assertThat(r.purgeGap()).isEqualTo(1024);
        assertThat(r.segmentBytes()).isEqualTo(8L << 20);
        assertThat(r.electionTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(r.bind()).isNull();
        assertThat(r.join()).isFalse();
        assertThat(RaftStoreSettings.settings(SourcedSettings.load(null, Map.of("CHORUS_JOBS_RAFT_ID", "d",
                "CHORUS_JOBS_RAFT_PEERS", "a=h1:1,b=h2:2,d=h4:4", "CHORUS_JOBS_RAFT_JOIN", "true"), Map.of()),
                Path.of("/srv/d")).join()).isTrue();
    }

    @Test
    void badValuesNameTheSettingAndWhereItCameFrom() {
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "etcd"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.store").hasMessageContaining("sqlite or raft");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "raft"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.raft.id: not set");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "raft",
                "CHORUS_JOBS_RAFT_ID", "a", "CHORUS_JOBS_RAFT_PEERS", "a=h1:9870,b=h2"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.raft.peers: 'b=h2' (expected: id=host:port")
                .hasMessageContaining("CHORUS_JOBS_RAFT_PEERS");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "raft",
                "CHORUS_JOBS_RAFT_ID", "d", "CHORUS_JOBS_RAFT_PEERS", "a=h1:1,b=h2:2,c=h3:3"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.raft.id: 'd' is not among jobs.raft.peers (a, b, c)");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_JOBS_STORE", "raft",
                "CHORUS_JOBS_RAFT_ID", "a", "CHORUS_JOBS_RAFT_PEERS", "a=h1:1,b=h2:2,c=h3:3",
                "CHORUS_JOBS_RAFT_ELECTION_TIMEOUT", "5ms"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jobs.raft.election-timeout");
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

package dev.chorus.app;

import dev.chorus.server.ServerConfig;
import dev.chorus.server.TlsConfig;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code chorus serve} resolves its settings: defaults, YAML, environment, flags, and the errors it gives. */
class ServeSettingsTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path f = dir.resolve("chorus.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void defaultsMatchTheDocumentedOnes() throws Exception {
        ServerConfig c = ServeSettings.load(null, Map.of(), Map.of()).serverConfig();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.maxInputChars()).isEqualTo(4096);
        assertThat(c.maxRequestBytes()).isEqualTo(1 << 20);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.voiceAliases()).containsOnlyKeys(ServerConfig.OPENAI_VOICES);
        assertThat(c.cacheEnabled()).isTrue();
        assertThat(c.cacheMaxBytes()).isEqualTo(256L << 20);
        assertThat(c.cacheMaxEntryBytes()).isEqualTo(8L << 20);
        assertThat(c.cacheDiskPath()).isNull();
    }

    @Test
    void streamLimits() throws Exception {
        ServerConfig d = ServeSettings.load(null, Map.of(), Map.of()).serverConfig();
        assertThat(d.maxStreamsPerConnection()).isEqualTo(100);
        assertThat(d.tenantsConcurrentStreams()).isEqualTo(100);
        Path f = yaml("""
                tenants:
                  concurrent-streams: 3
                """);
        ServerConfig c = ServeSettings.load(f, Map.of("CHORUS_MAX_STREAMS_PER_CONNECTION", "8"), Map.of())
                .serverConfig();
        assertThat(c.maxStreamsPerConnection()).isEqualTo(8);
        assertThat(c.tenantsConcurrentStreams()).isEqualTo(3);
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_MAX_STREAMS_PER_CONNECTION", "0"), Map.of())
                .serverConfig()).hasMessageContaining("limits.max-streams-per-connection");
    }

    @Test
    void cacheSettings() throws Exception {
        Path f = yaml("""
                cache:
                  max-bytes: 64MiB
                  disk:
                    path: /var/cache/chorus
                    max-bytes: 2GiB
                """);
        ServerConfig c = ServeSettings.load(f, Map.of("CHORUS_CACHE_MAX_ENTRY_BYTES", "1MiB"), Map.of())
                .serverConfig();
        assertThat(c.cacheMaxBytes()).isEqualTo(64L << 20);
        assertThat(c.cacheMaxEntryBytes()).isEqualTo(1L << 20);
        assertThat(c.cacheDiskPath()).isEqualTo(Path.of("/var/cache/chorus"));
        assertThat(c.cacheDiskMaxBytes()).isEqualTo(2L << 30);

        assertThat(ServeSettings.load(null, Map.of("CHORUS_CACHE_ENABLED", "false"), Map.of()).serverConfig()
                .cacheEnabled()).isFalse();
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_CACHE_MAX_BYTES", "lots"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cache.max-bytes").hasMessageContaining("CHORUS_CACHE_MAX_BYTES");
    }

    @Test
    void safetySettingsFromYamlAndEnvironment() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Path f = yaml("""
                safety:
                  rules: %s
                  mask: silence
                  on-timeout: fail-open
                  pattern-timeout: 20ms
                  policy:
                    default: log
                    violence: block
                """.formatted(rules));
        dev.chorus.safety.SafetyConfig c = ServeSettings.load(f, Map.of("CHORUS_SAFETY_POLICY_HATE_SPEECH", "mask",
                "CHORUS_SAFETY_AUDIT_LOG", "/var/log/chorus/safety.jsonl"), Map.of()).serverConfig().safety();
        assertThat(c.rules()).isEqualTo(rules);
        assertThat(c.mask()).isEqualTo(dev.chorus.safety.MaskSound.SILENCE);
        assertThat(c.failClosed()).isFalse();
        assertThat(c.patternTimeout()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.policy().actionFor("violence")).isEqualTo(dev.chorus.safety.Action.BLOCK);
        assertThat(c.policy().actionFor("hate_speech")).isEqualTo(dev.chorus.safety.Action.MASK);
        assertThat(c.policy().actionFor("other")).isEqualTo(dev.chorus.safety.Action.LOG);
        assertThat(c.auditLog()).isEqualTo(Path.of("/var/log/chorus/safety.jsonl"));
        assertThat(c.auditIncludeText()).isFalse();

        dev.chorus.safety.SafetyConfig d = ServeSettings.load(null, Map.of(), Map.of()).serverConfig().safety();
        assertThat(d.enabled()).isFalse();
        assertThat(d.policy().actionFor("anything")).isEqualTo(dev.chorus.safety.Action.BLOCK);
        assertThat(d.mask()).isEqualTo(dev.chorus.safety.MaskSound.BEEP);

        assertThatThrownBy(() -> ServeSettings.load(yaml("safety.policy.violence: drop"), Map.of(), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("safety.policy.violence").hasMessageContaining("block, mask or log");
        assertThatThrownBy(() -> ServeSettings.load(yaml("safety.mask: hum"), Map.of(), Map.of()).serverConfig())
                .hasMessageContaining("silence or beep");
    }

    @Test
    void yamlThenEnvironmentThenFlags() throws Exception {
        Path f = yaml("""
                server:
                  host: 0.0.0.0
                  port: 9000
                  shutdown-timeout: 45s
                limits.max-input-chars: 8000
                openai:
                  voices:
                    alloy: [espeak:en-us, hmm:cmu-slt-hsmm]
                    narrator: espeak:en-gb
                """);
        ServeSettings s = ServeSettings.load(f, Map.of("CHORUS_PORT", "9100", "CHORUS_REQUEST_TIMEOUT", "90s",
                "CHORUS_OPENAI_VOICE_NOVA", "espeak:en-029"), Map.of("server.port", "9200"));
        ServerConfig c = s.serverConfig();
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(9200);
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.maxInputChars()).isEqualTo(8000);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.voiceAliases().get("alloy")).containsExactly("espeak:en-us", "hmm:cmu-slt-hsmm");
        assertThat(c.voiceAliases().get("narrator")).containsExactly("espeak:en-gb");
        assertThat(c.voiceAliases().get("nova")).containsExactly("espeak:en-029");
        assertThat(s.describe()).contains("server.port: 9200  # --port", "server.host: 0.0.0.0  # " + f,
                "limits.request-timeout: 90s  # CHORUS_REQUEST_TIMEOUT");
    }

    @Test
    void engineWorkersAndSettings() throws Exception {
        Path f = yaml("""
                engines:
                  enabled: [espeak]
                  workers: 3
                  espeak:
                    workers: 2
                    isolation: lock
                """);
        ServeSettings s = ServeSettings.load(f, Map.of("CHORUS_HMM_WORKERS", "1"), Map.of());
        assertThat(s.describe()).contains("engines.espeak.workers: 2  # " + f,
                "engines.hmm.workers: 1  # CHORUS_HMM_WORKERS",
                "engines.espeak.isolation: lock  # " + f, "engines.enabled: espeak  # " + f);
        s.registry(); // builds without complaint
    }

    @Test
    void voiceFoldersAliasesLanguagesAndAdminKeyReachTheirComponents() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path voices = Files.createDirectories(dir.resolve("voices"));
        Path source = Path.of("..", "chorus-engine-piper", "src", "test", "resources", "voices");
        for (String f : new String[] {"test-voice.onnx", "test-voice.onnx.json"}) {
            Files.copy(source.resolve(f), voices.resolve(f));
        }
        Path f = yaml("""
                engines:
                  enabled: [piper, espeak]
                  piper:
                    voices: [%s, %s]
                voices:
                  aliases:
                    narrator: [piper:missing, piper:test-voice]
                  languages:
                    en-GB: [piper:test-voice]
                admin:
                  key: a-long-enough-admin-key
                audio:
                  mp3-bitrate: 96
                """.formatted(empty, voices));
        ServeSettings s = ServeSettings.load(f, Map.of(), Map.of());
        assertThat(s.serverConfig().adminKey()).isEqualTo("a-long-enough-admin-key");
        assertThat(s.serverConfig().encoderOptions().mp3BitrateKbps()).isEqualTo(96);
        assertThat(s.describe()).anyMatch(l -> l.startsWith("admin.key: (set, 23 characters)"))
                .noneMatch(l -> l.contains("a-long-enough-admin-key"));
        try (var registry = s.registry().build()) {
            assertThat(registry.resolve("narrator").id()).isEqualTo("piper:test-voice");
            assertThat(registry.resolveLanguage("en-GB").id()).isEqualTo("piper:test-voice");
        }
        Path noLexicon = yaml("text:\n  lexicons: [" + dir.resolve("missing.yaml") + "]\n");
        assertThatThrownBy(() -> ServeSettings.load(noLexicon, Map.of(), Map.of())
                .synthesizer(dev.chorus.runtime.EngineRegistry.builder().providers(java.util.List.of()).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing.yaml");
    }

    @Test
    void unknownKeysSuggestTheClosestSetting() throws Exception {
        Path f = yaml("server:\n  prot: 8080\n");
        assertThatThrownBy(() -> ServeSettings.load(f, Map.of(), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown setting 'server.prot'").hasMessageContaining("'server.port'");
    }

    @Test
    void badValuesNameTheSettingAndItsSource() throws Exception {
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_PORT", "70000"), Map.of()).serverConfig())
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("port: 70000 (expected: 0 to 65535) (setting server.port, from CHORUS_PORT)");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_SHUTDOWN_TIMEOUT", "soon"), Map.of())
                .serverConfig())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("server.shutdown-timeout")
                .hasMessageContaining("CHORUS_SHUTDOWN_TIMEOUT").hasMessageContaining("30s");
        assertThatThrownBy(() -> ServeSettings.load(yaml("- a\n- b\n"), Map.of(), Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("map of settings");
    }

    @Test
    void durationsAndSizes() {
        assertThat(SettingValues.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SettingValues.duration("x", "2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(SettingValues.duration("x", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SettingValues.duration("x", "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SettingValues.bytes("x", "1MiB")).isEqualTo(1 << 20);
        assertThat(SettingValues.bytes("x", "64KiB")).isEqualTo(65_536);
        assertThat(SettingValues.list(" a, b ,,c")).isEqualTo(List.of("a", "b", "c"));
    }

    @Test
    void metricsAndLoggingSettings() throws Exception {
        ServeSettings defaults = ServeSettings.load(null, Map.of(), Map.of());
        ServerConfig d = defaults.serverConfig();
        assertThat(d.metricsEnabled()).isTrue();
        assertThat(d.tenantLabels()).isTrue();
        assertThat(d.logInput()).isFalse();
        assertThat(defaults.accessLog()).isTrue();
        assertThat(defaults.logFormat()).isIn("json", "text");

        Path f = yaml("""
                metrics:
                  enabled: false
                  tenant-labels: false
                logging:
                  format: text
                  log-input: true
                """);
        ServeSettings s = ServeSettings.load(f, Map.of("CHORUS_LOG_FORMAT", "json", "CHORUS_ACCESS_LOG", "false"),
                Map.of());
        ServerConfig c = s.serverConfig();
        assertThat(c.metricsEnabled()).isFalse();
        assertThat(c.tenantLabels()).isFalse();
        assertThat(c.logInput()).isTrue();
        assertThat(s.logFormat()).isEqualTo("json");
        assertThat(s.accessLog()).isFalse();
        assertThat(s.describe()).contains("logging.format: json  # CHORUS_LOG_FORMAT");

        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_LOG_FORMAT", "xml"), Map.of()).logFormat())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("logging.format")
                .hasMessageContaining("json, text or auto");
    }

    @Test
    void tlsListenerSettings() throws Exception {
        assertThat(ServeSettings.load(null, Map.of(), Map.of()).serverConfig().tls()).isNull();
        Path f = yaml("""
                server:
                  plaintext: false
                tls:
                  host: 0.0.0.0
                  cert: /run/spire/svid.pem
                  key: /run/spire/svid_key.pem
                  trust: [/run/spire/bundle.pem, /run/spire/federated.pem]
                  trust-domains: [example.org, spiffe://partner.example]
                  client-auth: optional
                  peer-header: true
                """);
        ServerConfig c = ServeSettings.load(f, Map.of("CHORUS_TLS_RELOAD_INTERVAL", "250ms"), Map.of())
                .serverConfig();
        TlsConfig t = c.tls();
        assertThat(c.plaintext()).isFalse();
        assertThat(t.port()).isEqualTo(8443);
        assertThat(t.host()).isEqualTo("0.0.0.0");
        assertThat(t.certificate()).isEqualTo(Path.of("/run/spire/svid.pem"));
        assertThat(t.privateKey()).isEqualTo(Path.of("/run/spire/svid_key.pem"));
        assertThat(t.trustBundles()).containsExactly(Path.of("/run/spire/bundle.pem"),
                Path.of("/run/spire/federated.pem"));
        assertThat(t.trustDomains()).containsExactlyInAnyOrder("example.org", "partner.example");
        assertThat(t.clientAuth()).isEqualTo(TlsConfig.ClientAuth.OPTIONAL);
        assertThat(t.reloadInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(t.peerHeader()).isTrue();
    }

    @Test
    void tlsMistakesNameTheSetting() {
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_TLS_PORT", "8443",
                "CHORUS_TLS_CERT", "/c.pem"), Map.of()).serverConfig())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tls.key: not set")
                .hasMessageContaining("CHORUS_TLS_PORT");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_TLS_CERT", "/c.pem", "CHORUS_TLS_KEY",
                "/k.pem", "CHORUS_TLS_TRUST", "/t.pem", "CHORUS_TLS_CLIENT_AUTH", "maybe"), Map.of()).serverConfig())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("require or optional")
                .hasMessageContaining("CHORUS_TLS_CLIENT_AUTH");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_TLS_CERT", "/c.pem", "CHORUS_TLS_KEY",
                "/k.pem", "CHORUS_TLS_TRUST", "/t.pem", "CHORUS_TLS_TRUST_DOMAINS", "Example.ORG:443"), Map.of())
                .serverConfig())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tls.trust-domains");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_PLAINTEXT", "false"), Map.of())
                .serverConfig())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("plaintext: false with no TLS");
    }

    @Test
    void tenantSettingsReachTheServerAndTheRedisPasswordIsNotShown() throws Exception {
        ServerConfig d = ServeSettings.load(null, Map.of(), Map.of()).serverConfig();
        assertThat(d.tenantsFile()).isNull();
        assertThat(d.tenantsRedisUrl()).isNull();
        assertThat(d.tenantsReloadInterval()).isEqualTo(Duration.ofSeconds(2));

        Path f = yaml("""
                tenants:
                  file: /etc/chorus/tenants.yaml
                  reload-interval: 5s
                  redis:
                    url: redis://:secret@127.0.0.1:6379
                """);
        ServeSettings s = ServeSettings.load(f, Map.of("CHORUS_TENANTS_STATE_DIR", "/var/lib/chorus"), Map.of());
        ServerConfig c = s.serverConfig();
        assertThat(c.tenantsFile()).isEqualTo(Path.of("/etc/chorus/tenants.yaml"));
        assertThat(c.tenantsStateDir()).isEqualTo(Path.of("/var/lib/chorus"));
        assertThat(c.tenantsRedisUrl()).isEqualTo("redis://:secret@127.0.0.1:6379");
        assertThat(c.tenantsReloadInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(String.join("\n", s.describe())).contains("tenants.redis.url: redis://***@127.0.0.1:6379")
                .doesNotContain("secret");
        // Without a state directory, quota use goes beside the tenants file.
        ServerConfig beside = ServeSettings.load(null, Map.of("CHORUS_TENANTS_FILE", "/etc/chorus/tenants.yaml"),
                Map.of()).serverConfig();
        assertThat(beside.tenantsStateDir()).isEqualTo(Path.of("/etc/chorus/chorus-state"));

        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_TENANTS_REDIS_URL", "localhost:6379"),
                Map.of()).serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tenants.redis.url").hasMessageContaining("redis://host:port");
    }

    @Test
    void hashKeyPrintsTheFileEntryAndANewKeyOnce() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new TenantsCommand());
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));
        assertThat(cli.execute("hash-key", "--id", "ci")).isZero();
        String key = err.toString().replaceAll("(?s).*: (chorus_\\S+).*", "$1").strip();
        assertThat(key).startsWith("chorus_").hasSizeGreaterThan(40);
        String line = out.toString().strip();
        assertThat(line).startsWith("- {id: ci, hash: \"sha256:").doesNotContain(key);
        String hash = line.replaceAll(".*hash: \"([^\"]+)\".*", "$1");
        assertThat(dev.chorus.server.ApiKeyHash.parse(hash).matches(key)).isTrue();
        assertThat(dev.chorus.server.ApiKeyHash.parse(hash).matches(key + "x")).isFalse();

        java.io.StringWriter given = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(given));
        assertThat(cli.execute("hash-key", "--key", "a-key-of-at-least-16")).isZero();
        String h2 = given.toString().replaceAll("(?s).*hash: \"([^\"]+)\".*", "$1");
        assertThat(dev.chorus.server.ApiKeyHash.parse(h2).matches("a-key-of-at-least-16")).isTrue();
        assertThat(cli.execute("hash-key", "--key", "short")).isEqualTo(ExitCodes.BAD_INPUT);
    }
}

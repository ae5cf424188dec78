package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings of a spread gateway ({@code cluster.spread.*}) and of a worker's allowed callers. */
class ClusterSettingsTest {

    @Test
    void allowedSpiffeIdsNeedTlsAndWellFormedEntries() throws Exception {
        assertThatThrownBy(() -> ClusterMode.of(ServeSettings.load(null, Map.of("CHORUS_ROLE", "worker",
                "CHORUS_WORKER_ALLOWED_SPIFFE_IDS", "spiffe://prod.example/gateway"), Map.of())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs cluster.tls");
        assertThatThrownBy(() -> ClusterMode.of(ServeSettings.load(null, Map.of("CHORUS_ROLE", "worker",
                "CHORUS_CLUSTER_TLS", "true", "CHORUS_WORKER_ALLOWED_SPIFFE_IDS",
                "spiffe://prod.example/gateway,https://prod.example/other"), Map.of())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cluster.worker.allowed-spiffe-ids: 'https://prod.example/other'");
        assertThatCode(() -> ClusterMode.of(ServeSettings.load(null, Map.of("CHORUS_ROLE", "worker",
                "CHORUS_CLUSTER_TLS", "true", "CHORUS_WORKER_ALLOWED_SPIFFE_IDS",
                "spiffe://prod.example/ns/chorus/*"), Map.of()))).doesNotThrowAnyException();
    }

    @Test
    void spreadSettingsAreCheckedBeforeTheGatewayConnects() throws Exception {
        ServeSettings s = ServeSettings.load(null, Map.of("CHORUS_ROLE", "gateway", "CHORUS_WORKER_ENDPOINTS",
                "127.0.0.1:1", "CHORUS_CLUSTER_SPREAD_MIN_CHARS", "2000", "CHORUS_CLUSTER_SPREAD_IN_FLIGHT", "0"),
                Map.of());
        ClusterMode mode = ClusterMode.of(s);
        assertThatThrownBy(() -> mode.registry(s, s.serverConfig(), new PrintWriter(new StringWriter())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cluster.spread.in-flight: 0 (expected: 1..64)");
        mode.close();
    }
}

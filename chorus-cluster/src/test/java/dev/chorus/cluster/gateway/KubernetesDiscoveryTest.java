package dev.chorus.cluster.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.Endpoint;
import com.sun.net.httpserver.HttpServer;
import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Discovery through the Kubernetes API against a small real HTTP server that answers as the API server does for
 * EndpointSlices: a gateway with a {@code k8s://} entry finds a real worker from the slice's ready endpoint and
 * named port, sending the service-account token; drops it when the endpoint turns not ready; keeps what it has
 * when the API refuses it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesDiscoveryTest {

    private static final String TOKEN = "test-service-account-token";

    @TempDir
    Path dir;
    private HttpServer api;
    private Synthesizer workerSide;
    private WorkerServer worker;
    private Gateway gateway;
    private volatile String slices = "{\"items\":[]}";
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, worker, workerSide}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (api != null) {
            api.stop(0);
        }
    }

    @Test
    void readsReadyEndpointsOnTheNamedPort() throws Exception {
        var list = new ObjectMapper().readTree("""
                {"items":[
                  {"ports":[{"name":"http","port":8080},{"name":"worker","port":8081}],
                   "endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":true}},
                                {"addresses":["10.0.0.2"],"conditions":{"ready":false}},
                                {"addresses":["10.0.0.3"]}]},
                  {"ports":[{"name":"http","port":8080}],"endpoints":[{"addresses":["10.0.0.9"]}]}]}""");
        assertThat(KubernetesEndpointGroup.endpoints(list, "worker"))
                .containsExactly(Endpoint.of("10.0.0.1", 8081), Endpoint.of("10.0.0.3", 8081));
        assertThat(KubernetesEndpointGroup.endpoints(list, "9000")).contains(Endpoint.of("10.0.0.9", 9000));
        KubernetesApi k8s = new KubernetesApi(URI.create("http://127.0.0.1:1"), null, null, Duration.ofSeconds(1));
        assertThatThrownBy(() -> WorkerDirectory.group(List.of("k8s://no-namespace:worker"), k8s))
                .hasMessageContaining("k8s://SERVICE.NAMESPACE:PORT");
        assertThatThrownBy(() -> WorkerDirectory.group(List.of("k8s://svc.ns:worker"),
                new KubernetesApi(null, null, null, Duration.ofSeconds(1))))
                .hasMessageContaining("KUBERNETES_SERVICE_HOST");
    }

    @Test
    void aGatewayFollowsTheServicesEndpointSlices() throws Exception {
        workerSide = Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(new SlowTone()))
                .defaultVoice("slow:tone").build()).build();
        worker = WorkerServer.start(workerSide, "127.0.0.1", 0, null);
        slices = slice(worker.port(), true);
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/apis/discovery.k8s.io/v1/namespaces/chorus/endpointslices", ex -> {
            asked.add(ex.getRequestURI().getRawQuery());
            boolean authorized = ("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (authorized ? slices : "{\"kind\":\"Status\",\"code\":401}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(authorized ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        api.start();
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        gateway = Gateway.builder(List.of("k8s://chorus-workers.chorus:worker"))
                .kubernetes(new KubernetesApi(URI.create("http://127.0.0.1:" + api.getAddress().getPort()), token,
                        null, Duration.ofMillis(200)))
                .build();
        assertThat(gateway.awaitWorkers(Duration.ofSeconds(15))).as("the worker found and reporting").isTrue();
        assertThat(gateway.status().get()).contains("\"address\":\"127.0.0.1:" + worker.port() + "\"",
                "\"state\":\"up\"");
        assertThat(asked).first().isEqualTo("labelSelector=kubernetes.io%2Fservice-name%3Dchorus-workers");

        // The API refuses (a revoked token): the gateway keeps the worker it knows.
        Files.writeString(token, "revoked");
        int before = asked.size();
        await(() -> asked.size() >= before + 3, "three more polls");
        assertThat(gateway.status().get()).contains("127.0.0.1:" + worker.port());

        // The endpoint turns not ready: the worker leaves the gateway's list.
        Files.writeString(token, TOKEN);
        slices = slice(worker.port(), false);
        await(() -> !gateway.status().get().contains("127.0.0.1:" + worker.port()), "the worker dropped");
    }

    private static String slice(int port, boolean ready) {
        return "{\"kind\":\"EndpointSliceList\",\"items\":[{\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"worker\","
                + "\"port\":" + port + ",\"protocol\":\"TCP\"}],\"endpoints\":[{\"addresses\":[\"127.0.0.1\"],"
                + "\"conditions\":{\"ready\":" + ready + "}}]}]}";
    }

    private static void await(java.util.function.BooleanSupplier ok, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ok.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}

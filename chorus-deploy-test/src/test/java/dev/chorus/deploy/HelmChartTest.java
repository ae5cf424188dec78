package dev.chorus.deploy;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.chorus.deploy.Chart.at;
import static dev.chorus.deploy.Chart.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart through Helm itself: {@code helm lint --strict} and {@code helm template} for the default values
 * and for the values files under {@code ci/} (GPU pool + cert-manager mutual TLS + KEDA; SPIFFE + plain HPA), what
 * the rendered objects promise (zones, probes, drain, security, discovery, autoscaling), every manifest checked
 * against the Kubernetes, KEDA, Prometheus Operator, Gateway API and cert-manager schemas with unknown fields
 * rejected, and bad values refused by values.schema.json before anything is rendered.
 */
class HelmChartTest {

    private static final String FULL = Chart.RELEASE + "-chorus";

    private static List<Map<String, Object>> defaults;
    private static List<Map<String, Object>> gpu;
    private static List<Map<String, Object>> spiffe;

    @BeforeAll
    static void render() {
        defaults = Chart.render();
        gpu = Chart.render(Chart.ciValues("gpu-mtls-keda-values.yaml"));
        spiffe = Chart.render(Chart.ciValues("spiffe-hpa-values.yaml"));
    }

    @Test
    void lintPassesStrictlyForEveryValuesFile() throws Exception {
        for (Path values : new Path[] {null, Chart.ciValues("gpu-mtls-keda-values.yaml"),
                Chart.ciValues("spiffe-hpa-values.yaml")}) {
            LintResult r = Chart.lint(values);
            assertThat(r.isFailed()).as("helm lint --strict with %s: %s", values, r.getMessages()).isFalse();
            assertThat(r.getMessages()).as("lint messages with %s", values)
                    .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
        }
    }

    @Test
    void jobStoreIsThreeRaftMembersOnePerZoneWithTheirOwnVolumes() {
        Map<String, Object> sts = find(defaults, "StatefulSet", FULL + "-jobstore");
        assertThat(at(sts, "spec", "replicas")).isEqualTo(3);
        assertThat(at(sts, "spec", "podManagementPolicy")).isEqualTo("Parallel");
        Object pod = at(sts, "spec", "template", "spec");
        assertThat(at(pod, "topologySpreadConstraints", 0, "topologyKey")).isEqualTo("topology.kubernetes.io/zone");
        assertThat(at(pod, "topologySpreadConstraints", 0, "whenUnsatisfiable")).isEqualTo("DoNotSchedule");
        assertThat(at(pod, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0,
                "topologyKey")).isEqualTo("kubernetes.io/hostname");
        assertThat(at(sts, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"))
                .isEqualTo("10Gi");
        Map<String, Object> env = env(at(pod, "containers", 0));
        assertThat(env).containsEntry("CHORUS_JOBS_STORE", "raft").containsEntry("CHORUS_ROLE", "gateway")
                .containsEntry("CHORUS_JOBS_ENABLED", "true");
        assertThat(env.get("CHORUS_JOBS_RAFT_PEERS")).isEqualTo(
                "demo-chorus-jobstore-0=demo-chorus-jobstore-0.demo-chorus-jobstore.speech.svc.cluster.local:9870,"
                + "demo-chorus-jobstore-1=demo-chorus-jobstore-1.demo-chorus-jobstore.speech.svc.cluster.local:9870,"
                + "demo-chorus-jobstore-2=demo-chorus-jobstore-2.demo-chorus-jobstore.speech.svc.cluster.local:9870");
        // The member's id is its pod name, which is how the peers list names it.
        assertThat(at(envVar(at(pod, "containers", 0), "CHORUS_JOBS_RAFT_ID"), "valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("metadata.name");
        Map<String, Object> headless = find(defaults, "Service", FULL + "-jobstore");
        assertThat(at(headless, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(at(find(defaults, "PodDisruptionBudget", FULL + "-jobstore"), "spec", "maxUnavailable")).isEqualTo(1);
    }

    @Test
    void gatewaysFindWorkersThroughTheHeadlessServicesSrvRecords() {
        Map<String, Object> gw = find(defaults, "Deployment", FULL + "-gateway");
        Map<String, Object> env = env(at(gw, "spec", "template", "spec", "containers", 0));
        assertThat(env).containsEntry("CHORUS_ROLE", "gateway").containsEntry("CHORUS_JOBS_ENABLED", "false")
                .containsEntry("CHORUS_WORKER_ENDPOINTS",
                        "dns+srv://_grpc._tcp.demo-chorus-worker.speech.svc.cluster.local");
        Map<String, Object> svc = find(defaults, "Service", FULL + "-worker");
        assertThat(at(svc, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(svc, "spec", "publishNotReadyAddresses")).isEqualTo(false);
        assertThat(at(svc, "spec", "ports", 0, "name")).isEqualTo("grpc");
        assertThat(at(svc, "spec", "ports", 0, "port")).isEqualTo(8081);
        Map<String, Object> worker = find(defaults, "Deployment", FULL + "-worker");
        assertThat(env(at(worker, "spec", "template", "spec", "containers", 0)))
                .containsEntry("CHORUS_ROLE", "worker").containsEntry("CHORUS_WORKER_PORT", "8081");
        // Both pools behind the gateways when the GPU pool is on.
        assertThat(env(at(find(gpu, "Deployment", FULL + "-gateway"), "spec", "template", "spec", "containers", 0))
                .get("CHORUS_WORKER_ENDPOINTS")).isEqualTo("dns+srv://_grpc._tcp.demo-chorus-worker.speech.svc."
                + "cluster.local,dns+srv://_grpc._tcp.demo-chorus-worker-gpu.speech.svc.cluster.local");
    }

    @Test
    void everyPodProbesDrainsLongerThanItsShutdownAndRunsLockedDown() {
        for (List<Map<String, Object>> docs : List.of(defaults, gpu, spiffe)) {
            for (Map<String, Object> d : docs) {
                if (!List.of("Deployment", "StatefulSet").contains(d.get("kind"))) {
                    continue;
                }
                String what = d.get("kind") + " " + at(d, "metadata", "name");
                Object pod = at(d, "spec", "template", "spec");
                Object c = at(pod, "containers", 0);
                assertThat(at(c, "livenessProbe", "httpGet", "path")).as(what).isEqualTo("/healthz");
                assertThat(at(c, "readinessProbe", "httpGet", "path")).as(what).isEqualTo("/readyz");
                assertThat(at(c, "startupProbe", "grpc", "port")).as(what).isEqualTo(8080);
                int drain = Integer.parseInt(((String) env(c).get("CHORUS_SHUTDOWN_TIMEOUT")).replace("s", ""));
                int preStop = Integer.parseInt((String) at(c, "lifecycle", "preStop", "exec", "command", 1));
                assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).as(what)
                        .isGreaterThan(drain + preStop);
                assertThat(at(c, "securityContext", "readOnlyRootFilesystem")).as(what).isEqualTo(true);
                assertThat(at(c, "securityContext", "allowPrivilegeEscalation")).as(what).isEqualTo(false);
                assertThat(at(pod, "securityContext", "runAsNonRoot")).as(what).isEqualTo(true);
                assertThat(at(pod, "automountServiceAccountToken")).as(what).isEqualTo(false);
                assertThat(at(c, "resources", "requests", "cpu")).as(what).isNotNull();
                assertThat(at(c, "resources", "limits", "memory")).as(what).isNotNull();
                List<String> mounts = ((List<?>) at(c, "volumeMounts")).stream()
                        .map(m -> (String) at(m, "mountPath")).toList();
                assertThat(mounts).as(what).contains("/var/lib/chorus", "/var/cache/chorus", "/tmp");
            }
        }
        Map<String, Object> sa = find(defaults, "ServiceAccount", FULL);
        assertThat(sa.get("automountServiceAccountToken")).isEqualTo(false);
        assertThat(defaults).noneMatch(d -> List.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
                .contains(d.get("kind")));
    }

    @Test
    void workersScaleOnBacklogAndGatewaysOnCpu() {
        Map<String, Object> so = find(defaults, "ScaledObject", FULL + "-worker");
        assertThat(at(so, "spec", "scaleTargetRef", "name")).isEqualTo(FULL + "-worker");
        assertThat(at(so, "spec", "minReplicaCount")).isEqualTo(2);
        assertThat(at(so, "spec", "maxReplicaCount")).isEqualTo(20);
        assertThat(at(so, "spec", "advanced", "horizontalPodAutoscalerConfig", "behavior", "scaleDown",
                "stabilizationWindowSeconds")).isEqualTo(300);
        Object trigger = at(so, "spec", "triggers", 0);
        assertThat(at(trigger, "type")).isEqualTo("prometheus");
        assertThat(at(trigger, "metricType")).isEqualTo("AverageValue");
        assertThat(at(trigger, "metadata", "query")).isEqualTo("sum(max by (pod) (chorus_engine_predicted_wait_seconds"
                + "{namespace=\"speech\",service=\"demo-chorus-worker\"}))");
        assertThat(at(trigger, "metadata", "threshold")).isEqualTo("1");
        assertThat(at(trigger, "metadata", "activationThreshold")).isEqualTo("0.2");
        // The Deployment leaves its replica count to the autoscaler.
        assertThat(at(find(defaults, "Deployment", FULL + "-worker"), "spec", "replicas")).isNull();
        Map<String, Object> hpa = find(defaults, "HorizontalPodAutoscaler", FULL + "-gateway");
        assertThat(at(hpa, "spec", "metrics", 0, "resource", "name")).isEqualTo("cpu");
        assertThat(at(hpa, "spec", "metrics", 0, "resource", "target", "averageUtilization")).isEqualTo(70);

        Map<String, Object> gpuSo = find(gpu, "ScaledObject", FULL + "-worker-gpu");
        assertThat(at(gpuSo, "spec", "triggers", 0, "metadata", "query")).asString()
                .contains("service=\"demo-chorus-worker-gpu\"");
        assertThat(at(gpuSo, "spec", "maxReplicaCount")).isEqualTo(16);

        Map<String, Object> external = find(spiffe, "HorizontalPodAutoscaler", FULL + "-worker");
        assertThat(at(external, "spec", "metrics", 0, "type")).isEqualTo("External");
        assertThat(at(external, "spec", "metrics", 0, "external", "metric", "name"))
                .isEqualTo("chorus_worker_backlog_seconds");
        assertThat(at(external, "spec", "metrics", 0, "external", "target", "averageValue")).isEqualTo("1");
        assertThat(spiffe).noneMatch(d -> "ScaledObject".equals(d.get("kind")));
    }

    @Test
    void gpuPoolAndMutualTlsAreWiredIn() {
        Map<String, Object> pool = find(gpu, "Deployment", FULL + "-worker-gpu");
        Object pod = at(pool, "spec", "template", "spec");
        Object c = at(pod, "containers", 0);
        assertThat(at(c, "resources", "limits", "nvidia.com/gpu")).isEqualTo(1);
        assertThat(at(c, "resources", "requests", "nvidia.com/gpu")).isEqualTo(1);
        assertThat(at(pod, "nodeSelector", "nvidia.com/gpu.present")).isEqualTo("true");
        assertThat(at(pod, "tolerations", 0, "key")).isEqualTo("nvidia.com/gpu");
        assertThat(env(c)).containsEntry("CHORUS_PIPER_DEVICE", "cuda").containsEntry("CHORUS_CLUSTER_TLS", "true")
                .containsEntry("CHORUS_TLS_TRUST", "/etc/chorus/tls/ca.crt");
        Map<String, Object> cert = find(gpu, "Certificate", FULL + "-mtls");
        assertThat(at(cert, "spec", "usages")).asString().contains("server auth", "client auth");
        assertThat(at(cert, "spec", "issuerRef", "name")).isEqualTo("chorus-ca");
        assertThat(env(at(find(gpu, "Deployment", FULL + "-gateway"), "spec", "template", "spec", "containers", 0)))
                .containsEntry("CHORUS_CLUSTER_TLS", "true");

        Object spiffePod = at(find(spiffe, "Deployment", FULL + "-worker"), "spec", "template", "spec");
        assertThat(at(spiffePod, "initContainers", 0, "name")).isEqualTo("spiffe-helper");
        assertThat(at(spiffePod, "initContainers", 0, "restartPolicy")).isEqualTo("Always");
        assertThat(((List<?>) at(spiffePod, "volumes")).stream().map(v -> at(v, "csi", "driver")).toList())
                .contains("csi.spiffe.io");
        assertThat(env(at(spiffePod, "containers", 0))).containsEntry("CHORUS_TLS_CERT", "/run/spire/svid.pem")
                .containsEntry("CHORUS_TLS_TRUST_DOMAINS", "example.org");
    }

    @Test
    void onlyGatewaysReachWorkersAndOnlyPrometheusReachesTheirMetrics() {
        Map<String, Object> np = find(defaults, "NetworkPolicy", FULL + "-workers");
        assertThat(at(np, "spec", "podSelector", "matchLabels", "chorus.dev/role")).isEqualTo("worker");
        assertThat(at(np, "spec", "ingress", 0, "from", 0, "podSelector", "matchLabels",
                "app.kubernetes.io/component")).isEqualTo("gateway");
        assertThat(at(np, "spec", "ingress", 0, "from", 1, "podSelector", "matchLabels",
                "app.kubernetes.io/component")).isEqualTo("jobstore");
        assertThat(at(np, "spec", "ingress", 0, "ports", 0, "port")).isEqualTo("grpc");
        assertThat(at(np, "spec", "ingress", 1, "from", 0, "namespaceSelector", "matchLabels",
                "kubernetes.io/metadata.name")).isEqualTo("monitoring");
        assertThat(at(np, "spec", "ingress", 1, "ports", 0, "port")).isEqualTo("http");
        assertThat((List<?>) at(np, "spec", "ingress")).hasSize(2);
        // The public routes never expose /metrics or /admin.
        Map<String, Object> ingress = find(gpu, "Ingress", FULL);
        List<String> paths = ((List<?>) at(ingress, "spec", "rules", 0, "http", "paths")).stream()
                .map(p -> (String) at(p, "path")).toList();
        assertThat(paths).contains("/v1/audio/jobs", "/v1").doesNotContain("/metrics", "/admin", "/");
        assertThat(at(ingress, "spec", "rules", 0, "http", "paths", 0, "backend", "service", "name"))
                .isEqualTo(FULL + "-jobs");
        assertThat(at(find(gpu, "ServiceMonitor", FULL), "spec", "endpoints", 0, "path")).isEqualTo("/metrics");
    }

    @Test
    void everyRenderedManifestMatchesItsSchemaWithNoUnknownField() throws Exception {
        List<Map<String, Object>> all = new ArrayList<>(defaults);
        all.addAll(gpu);
        all.addAll(spiffe);
        NodeTools.Result r = NodeTools.node("validate-manifests.mjs", Chart.writeJson(all, "manifests.json").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains(all.size() + " manifest(s), 0 problem(s)");
        assertThat(all.stream().map(d -> (String) d.get("kind")).collect(Collectors.toSet())).contains("Deployment",
                "StatefulSet", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ScaledObject",
                "NetworkPolicy", "ServiceMonitor", "Ingress", "HTTPRoute", "Certificate", "ConfigMap", "Secret",
                "ServiceAccount");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theValidatorRejectsUnknownFieldsAndBadTypes() throws Exception {
        List<Map<String, Object>> docs = Chart.render(Chart.ciValues("gpu-mtls-keda-values.yaml"));
        Map<String, Object> so = find(docs, "ScaledObject", FULL + "-worker");
        ((Map<String, Object>) at(so, "spec", "triggers", 0)).put("metadta", Map.of("query", "up"));
        Map<String, Object> dep = find(docs, "Deployment", FULL + "-gateway");
        ((Map<String, Object>) at(dep, "spec", "template", "spec", "containers", 0)).put("resource", Map.of());
        Map<String, Object> svc = find(docs, "Service", FULL);
        ((Map<String, Object>) at(svc, "spec", "ports", 0)).put("port", "eighty");
        NodeTools.Result r = NodeTools.node("validate-manifests.mjs", Chart.writeJson(docs, "broken.json").toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("ScaledObject/" + FULL + "-worker: Object literal may only specify known "
                        + "properties, and '\"metadta\"' does not exist")
                .contains("Deployment/" + FULL + "-gateway: Object literal may only specify known properties, and "
                        + "'\"resource\"' does not exist in type 'IContainer'")
                .contains("Service/" + FULL + ": data/spec/ports/0/port must be integer");
    }

    @Test
    void badValuesFailBeforeAnythingIsRendered() {
        assertRefused(Map.of("worker.replicas", "three"), "/worker/replicas", "want integer");
        assertRefused(Map.of("wrker.replicas", 3), "additional properties 'wrker' not allowed");
        assertRefused(Map.of("worker.resource.requests.cpu", "1"), "additional properties 'resource' not allowed");
        assertRefused(Map.of("jobStore.replicas", 4), "/jobStore/replicas");
        assertRefused(Map.of("autoscaling.mode", "cpu"), "/autoscaling/mode");
        assertRefused(Map.of("autoscaling.targetBacklogSeconds", 0), "/autoscaling/targetBacklogSeconds");
        assertRefused(Map.of("autoscaling.targetBacklogSeconds", "soon"), "/autoscaling/targetBacklogSeconds");
        assertRefused(Map.of("adminKey.value", "short"), "/adminKey/value");
        assertRefused(Map.of("config.cluster.role", "all"), "/config");
        assertRefused(Map.of("mtls.enabled", true), "/mtls/certManager/issuerRef/name");
        assertRefused(Map.of("gateway.port", 70000), "/gateway/port");
        assertRefused(Map.of("autoscaling.worker.minReplicas", 0), "/autoscaling/worker/minReplicas");
    }

    private static void assertRefused(Map<String, Object> set, String... expected) {
        assertThatThrownBy(() -> Chart.template(List.of(), set)).as("helm template --set %s", set)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContainingAll(expected);
    }

    private static Map<String, Object> env(Object container) {
        Map<String, Object> env = new java.util.LinkedHashMap<>();
        for (Object e : (List<?>) at(container, "env")) {
            env.put((String) at(e, "name"), at(e, "value"));
        }
        return env;
    }

    private static Object envVar(Object container, String name) {
        return ((List<?>) at(container, "env")).stream().filter(e -> name.equals(at(e, "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name));
    }
}

package dev.chorus.cluster.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a gateway reads the Kubernetes API for {@code k8s://} entries of {@code cluster.workers}.
 *
 * @param base     the API server, such as {@code https://10.96.0.1:443}; null when not in a pod
 * @param token    the bearer token file (read at every poll: projected tokens rotate)
 * @param ca       the CA bundle that the API server's certificate chains to
 * @param interval how often the EndpointSlices are read
 */
public record KubernetesApi(URI base, Path token, Path ca, Duration interval) {

    /** Checks the interval. */
    public KubernetesApi {
        if (interval == null || interval.toMillis() < 100) {
            throw new IllegalArgumentException("Kubernetes API poll interval: " + interval + " (expected: >= 100ms)");
        }
    }

    /**
     * Returns the in-cluster defaults: the API server from the pod's {@code KUBERNETES_SERVICE_HOST} and
     * {@code KUBERNETES_SERVICE_PORT}, the service account's token and CA, a read every 5 s.
     */
    public static KubernetesApi inCluster() {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        String port = System.getenv("KUBERNETES_SERVICE_PORT");
        URI base = host == null ? null : URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host)
                + ":" + (port == null ? "443" : port));
        Path sa = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
        return new KubernetesApi(base, sa.resolve("token"), sa.resolve("ca.crt"), Duration.ofSeconds(5));
    }
}

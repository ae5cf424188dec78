package dev.chorus.cluster.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.DynamicEndpointGroup;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Workers found through the Kubernetes API: the EndpointSlices of one Service
 * ({@code GET /apis/discovery.k8s.io/v1/namespaces/NS/endpointslices?labelSelector=kubernetes.io/service-name=SVC}),
 * read with the pod's service-account token and trusting the cluster's CA, every poll interval. Each endpoint
 * whose {@code conditions.ready} is not false becomes a worker, on the port named in the entry (or its number).
 *
 * <p>Entry form in {@code cluster.workers}: {@code k8s://SERVICE.NAMESPACE:PORT} (PORT a port name of the slices,
 * such as {@code worker}, or a number). A failed poll keeps the last list (and is logged), so an API server hiccup
 * does not empty the cluster. The service account needs {@code list} on {@code endpointslices} in that namespace.
 */
final class KubernetesEndpointGroup extends DynamicEndpointGroup {

    private static final System.Logger LOG = System.getLogger(KubernetesEndpointGroup.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final String port;
    private final Path token;
    private final HttpClient http;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("chorus-k8s-discovery").unstarted(r));
    private volatile String lastError;

    /**
     * @param entry the {@code cluster.workers} entry, {@code k8s://SERVICE.NAMESPACE:PORT}
     */
    KubernetesEndpointGroup(String entry, KubernetesApi api) {
        super(true);
        String rest = entry.substring("k8s://".length());
        int colon = rest.lastIndexOf(':');
        int dot = rest.indexOf('.');
        if (colon < 0 || dot <= 0 || dot > colon || colon == rest.length() - 1 || dot == colon - 1) {
            throw new IllegalArgumentException("cluster.workers: " + entry
                    + " (expected: k8s://SERVICE.NAMESPACE:PORT, PORT a port name or number)");
        }
        if (api.base() == null) {
            throw new IllegalArgumentException("cluster.workers: " + entry + " needs the Kubernetes API, but "
                    + "KUBERNETES_SERVICE_HOST is not set (not running in a pod?)");
        }
        String service = rest.substring(0, dot);
        String namespace = rest.substring(dot + 1, colon);
        this.port = rest.substring(colon + 1);
        this.token = api.token();
        this.uri = api.base().resolve("/apis/discovery.k8s.io/v1/namespaces/"
                + URLEncoder.encode(namespace, StandardCharsets.UTF_8) + "/endpointslices?labelSelector="
                + URLEncoder.encode("kubernetes.io/service-name=" + service, StandardCharsets.UTF_8));
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if ("https".equals(api.base().getScheme()) && api.ca() != null && Files.isReadable(api.ca())) {
            b.sslContext(trusting(api.ca()));
        }
        this.http = b.build();
        timer.scheduleWithFixedDelay(this::poll, 0, api.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Returns the API request this group polls (for messages and tests). */
    URI uri() {
        return uri;
    }

    private void poll() {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json");
            if (token != null && Files.isReadable(token)) {
                // Read every time: the kubelet rotates projected tokens.
                r.header("Authorization", "Bearer " + Files.readString(token).strip());
            }
            HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                failed("the Kubernetes API answered " + res.statusCode() + " to " + uri + ": "
                        + res.body().substring(0, Math.min(200, res.body().length())));
                return;
            }
            setEndpoints(endpoints(JSON.readTree(res.body()), port));
            lastError = null;
        } catch (Exception e) {
            failed("cannot read " + uri + ": " + e);
        }
    }

    private void failed(String message) {
        if (!message.equals(lastError)) {
            LOG.log(System.Logger.Level.WARNING, "worker discovery: {0} (keeping the last {1} worker(s))", message,
                    endpoints().size());
        }
        lastError = message;
    }

    /** Returns the ready endpoints of an EndpointSliceList on {@code port} (a port name or number). */
    static Set<Endpoint> endpoints(JsonNode list, String port) {
        Set<Endpoint> out = new LinkedHashSet<>();
        for (JsonNode slice : list.path("items")) {
            int number = -1;
            if (port.chars().allMatch(Character::isDigit)) {
                number = Integer.parseInt(port);
            } else {
                for (JsonNode p : slice.path("ports")) {
                    if (p.path("name").asText().equals(port)) {
                        number = p.path("port").asInt(-1);
                    }
                }
            }
            if (number <= 0 || number > 65_535) {
                continue;
            }
            for (JsonNode e : slice.path("endpoints")) {
                if (e.path("conditions").path("ready").isBoolean() && !e.path("conditions").path("ready").asBoolean()) {
                    continue;
                }
                for (JsonNode a : e.path("addresses")) {
                    out.add(Endpoint.of(a.asText(), number));
                }
            }
        }
        return out;
    }

    private static SSLContext trusting(Path ca) {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (Exception e) {
            throw new IllegalArgumentException("cluster.workers: cannot read the Kubernetes CA " + ca + ": " + e, e);
        }
    }

    @Override
    protected void doCloseAsync(java.util.concurrent.CompletableFuture<?> future) {
        timer.shutdownNow();
        http.close();
        super.doCloseAsync(future);
    }
}

package dev.chorus.cluster;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import dev.chorus.service.Synthesis;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.tts.spi.TtsEngineProvider;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A gateway's side of the cluster: finds the workers, follows their load reports, and offers what a Chorus server
 * needs to run its whole pipeline with no engine of its own: the workers' voices as engine providers (for the
 * voice catalog), a {@link Synthesis} that runs each request on a chosen worker, and the cluster's status.
 */
public interface Gateway extends AutoCloseable {

    /** Returns a builder over the {@code cluster.workers} entries. */
    static Builder builder(List<String> workers) {
        return new Builder(workers);
    }

    /**
     * Waits until a worker has reported (its voices are then known) or {@code timeout} passed.
     *
     * @return whether one reported
     */
    boolean awaitWorkers(Duration timeout) throws InterruptedException;

    /** Returns one engine provider per engine the reporting workers run, listing their voices. */
    List<TtsEngineProvider> engineProviders();

    /** Returns the synthesis that runs requests on the workers, resolving voices against {@code catalog}. */
    Synthesis synthesis(EngineRegistry catalog);

    /** Registers the gateway's metrics (routing decisions, retries, per-worker backlog) with {@code registry}. */
    void bindMetrics(MeterRegistry registry);

    /**
     * Returns the latest load report of each worker that has reported, by address ({@code host:port}); none for a
     * worker that has not reported yet.
     */
    default java.util.Map<String, WorkerLoad> loads() {
        return java.util.Map.of();
    }

    /** Returns {@code GET /admin/cluster}'s JSON body: every worker with its state, voices and load. */
    Supplier<String> status();

    @Override
    void close();

    /** Configures a {@link Gateway}. */
    final class Builder {
        final List<String> workers;
        String policy = "backlog";
        Duration reportInterval = Duration.ofMillis(200);
        Duration ejectAfter = Duration.ofSeconds(2);
        int maxAttempts = 3;
        dev.chorus.cluster.gateway.OutlierSettings outlier = dev.chorus.cluster.gateway.OutlierSettings.DEFAULTS;
        dev.chorus.cluster.gateway.KubernetesApi kubernetes;
        ClusterTls tls;
        dev.chorus.cluster.gateway.SpreadSettings spread = dev.chorus.cluster.gateway.SpreadSettings.OFF;

        private Builder(List<String> workers) {
            this.workers = List.copyOf(workers);
        }

        /** Sets the routing policy: {@code backlog} (default) or {@code round-robin}. */
        public Builder policy(String name) {
            dev.chorus.cluster.gateway.RoutingPolicy.of(name);
            this.policy = name;
            return this;
        }

        /** Sets how often workers push load reports (default 200 ms; at most 200 ms). */
        public Builder reportInterval(Duration d) {
            if (d.toMillis() < 50 || d.toMillis() > 200) {
                throw new IllegalArgumentException("cluster.report-interval: " + d + " (expected: 50ms..200ms)");
            }
            this.reportInterval = d;
            return this;
        }

        /** Sets how long a worker may stay silent before it is ejected (default 2 s). */
        public Builder ejectAfter(Duration d) {
            if (d.toMillis() < 3 * reportInterval.toMillis()) {
                throw new IllegalArgumentException("cluster.eject-after: " + d + " (expected: at least three "
                        + "report intervals, " + reportInterval.multipliedBy(3) + ")");
            }
            this.ejectAfter = d;
            return this;
        }

        /** Sets how many workers one request may be tried on (default 3). */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("cluster.max-attempts: " + n + " (expected: >= 1)");
            }
            this.maxAttempts = n;
            return this;
        }

        /** Sets when a worker whose calls keep failing is ejected, and the slow start of a (re)joining worker. */
        public Builder outlier(dev.chorus.cluster.gateway.OutlierSettings o) {
            this.outlier = java.util.Objects.requireNonNull(o, "outlier");
            return this;
        }

        /** Reads {@code k8s://} entries from this Kubernetes API (default: the pod's own, as its service account). */
        public Builder kubernetes(dev.chorus.cluster.gateway.KubernetesApi api) {
            this.kubernetes = java.util.Objects.requireNonNull(api, "api");
            return this;
        }

        /** Calls workers over TLS with this client certificate, trusting only workers that chain to the bundle. */
        public Builder tls(ClusterTls t) {
            this.tls = t;
            return this;
        }

        /** Spreads long requests over several workers (default off: each request runs on one at a time). */
        public Builder spread(dev.chorus.cluster.gateway.SpreadSettings s) {
            this.spread = java.util.Objects.requireNonNull(s, "spread");
            return this;
        }

        /** Connects to the workers (in the background) and returns the gateway. */
        public Gateway build() {
            ClientFactoryBuilder f = ClientFactory.builder();
            if (tls != null) {
                ClusterTls t = tls;
                // The client certificate through Armeria's own setter (a customizer's key manager is not used).
                f.tls(t.cert().toFile(), t.key().toFile())
                        .tlsCustomizer(b -> b.trustManager(t.trust().toFile()));
            }
            return new dev.chorus.cluster.gateway.ClusterGateway(workers, policy, reportInterval, ejectAfter,
                    maxAttempts, tls != null, f.build(), outlier,
                    kubernetes == null ? dev.chorus.cluster.gateway.KubernetesApi.inCluster() : kubernetes)
                    .spread(spread);
        }
    }
}

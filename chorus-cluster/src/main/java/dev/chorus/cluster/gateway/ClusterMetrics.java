package dev.chorus.cluster.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A gateway's cluster metrics: routing decisions by reason, retries by cause, ejections, and per worker its
 * reported backlog, the requests this gateway has running there, and whether it is up.
 */
final class ClusterMetrics {

    private volatile MeterRegistry registry = new SimpleMeterRegistry();

    void bindTo(MeterRegistry r, WorkerDirectory directory) {
        this.registry = r;
        directory.onLink(this::worker);
    }

    private void worker(WorkerLink l) {
        MeterRegistry r = registry;
        Gauge.builder("chorus.cluster.worker.backlog", l, w -> w.report() == null ? Double.NaN
                        : w.report().getBacklogSeconds())
                .tag("worker", l.address()).baseUnit("seconds")
                .description("predicted wait of a new request on the worker, as it last reported").register(r);
        Gauge.builder("chorus.cluster.worker.outstanding", l, WorkerLink::outstanding)
                .tag("worker", l.address()).description("requests this gateway has running on the worker")
                .register(r);
        Gauge.builder("chorus.cluster.worker.up", l, w -> w.state() == WorkerState.UP ? 1 : 0)
                .tag("worker", l.address()).description("1 while the worker takes work").register(r);
        Gauge.builder("chorus.cluster.worker.ejections", l, WorkerLink::ejections)
                .tag("worker", l.address()).description("times the worker was ejected (for silence or failed calls)")
                .register(r);
        FunctionCounter.builder("chorus.cluster.ejections", l, WorkerLink::silenceEjections)
                .tags("worker", l.address(), "cause", "silence")
                .description("ejections of the worker, by cause").register(r);
        FunctionCounter.builder("chorus.cluster.ejections", l, w -> w.health().ejections())
                .tags("worker", l.address(), "cause", "failures")
                .description("ejections of the worker, by cause").register(r);
        for (WorkerState s : WorkerState.values()) {
            Gauge.builder("chorus.cluster.worker.state", l, w -> w.state() == s ? 1 : 0)
                    .tags("worker", l.address(), "state", s.id())
                    .description("1 for the worker's current state").register(r);
        }
        Gauge.builder("chorus.cluster.worker.traffic.share", l, w -> w.health().share())
                .tag("worker", l.address())
                .description("the worker's share of traffic (below 1 during a slow start)").register(r);
    }

    void routed(String reason) {
        Counter.builder("chorus.cluster.routing.decisions").tag("reason", reason)
                .description("workers chosen, by why").register(registry).increment();
    }

    void retried(String cause) {
        Counter.builder("chorus.cluster.retries").tag("cause", cause)
                .description("requests resumed on another worker, by cause").register(registry).increment();
    }

    void spread(String worker) {
        Counter.builder("chorus.cluster.spread.runs").tag("worker", worker)
                .description("runs of a long request's pieces sent to the worker").register(registry).increment();
    }

    void refused() {
        Counter.builder("chorus.cluster.unroutable")
                .description("requests refused with 503: no worker could serve the voice").register(registry)
                .increment();
    }
}

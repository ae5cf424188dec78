package dev.chorus.cluster.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import dev.chorus.cluster.Gateway;
import dev.chorus.proto.cluster.v1.LoadReport;
import dev.chorus.proto.cluster.v1.ResidentVoice;
import dev.chorus.proto.cluster.v1.VoiceDescription;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.TtsEngineProvider;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** The {@link Gateway} built by {@link Gateway#builder}; use that. */
public final class ClusterGateway implements Gateway {

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1,
            r -> Thread.ofPlatform().daemon().name("chorus-cluster").unstarted(r));
    private final WorkerDirectory directory;
    private final RoutingPolicy policy;
    private final ClusterMetrics metrics = new ClusterMetrics();
    private final int maxAttempts;
    private final ClientFactory factory;
    private final Duration ejectAfter;
    private final OutlierSettings outlier;

    private volatile SpreadSettings spread = SpreadSettings.OFF;

    /** Spreads long requests over several workers as {@code s} says (default off); before {@link #synthesis}. */
    public ClusterGateway spread(SpreadSettings s) {
        this.spread = java.util.Objects.requireNonNull(s, "spread");
        return this;
    }

    public ClusterGateway(List<String> workers, String policy, Duration reportInterval, Duration ejectAfter,
                          int maxAttempts, boolean tls, ClientFactory factory) {
        this(workers, policy, reportInterval, ejectAfter, maxAttempts, tls, factory, OutlierSettings.DEFAULTS);
    }

    public ClusterGateway(List<String> workers, String policy, Duration reportInterval, Duration ejectAfter,
                          int maxAttempts, boolean tls, ClientFactory factory, OutlierSettings outlier) {
        this(workers, policy, reportInterval, ejectAfter, maxAttempts, tls, factory, outlier,
                KubernetesApi.inCluster());
    }

    public ClusterGateway(List<String> workers, String policy, Duration reportInterval, Duration ejectAfter,
                          int maxAttempts, boolean tls, ClientFactory factory, OutlierSettings outlier,
                          KubernetesApi k8s) {
        this.policy = RoutingPolicy.of(policy);
        this.maxAttempts = maxAttempts;
        this.factory = factory;
        this.ejectAfter = ejectAfter;
        this.outlier = outlier;
        this.directory = new WorkerDirectory(workers, tls, factory, timer, reportInterval, ejectAfter, outlier,
                k8s);
    }

    @Override
    public boolean awaitWorkers(Duration timeout) throws InterruptedException {
        return directory.awaitFirstReport(timeout);
    }

    @Override
    public List<TtsEngineProvider> engineProviders() {
        return directory.voices().values().stream().map(VoiceInfo::engine).distinct().sorted()
                .map(e -> (TtsEngineProvider) new RemoteVoices(e, directory)).toList();
    }

    @Override
    public Synthesis synthesis(EngineRegistry catalog) {
        return new RemoteSynthesis(directory, policy, metrics, maxAttempts, catalog, spread);
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        metrics.bindTo(registry, directory);
    }

    @Override
    public java.util.Map<String, dev.chorus.cluster.WorkerLoad> loads() {
        java.util.Map<String, dev.chorus.cluster.WorkerLoad> all = new java.util.HashMap<>();
        for (WorkerLink l : directory.links()) {
            var r = l.report();
            Duration age = l.reportAge();
            if (r != null && age != null) {
                all.put(l.address(), new dev.chorus.cluster.WorkerLoad(r.getBacklogSeconds(), r.getVoiceRtfMap(), age));
            }
        }
        return all;
    }

    @Override
    public Supplier<String> status() {
        return this::json;
    }

    private String json() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("policy", policy.name()).put("eject_after_ms", ejectAfter.toMillis());
        root.putObject("outlier").put("failures", outlier.failures()).put("window_ms", outlier.window().toMillis())
                .put("ejection_ms", outlier.ejection().toMillis())
                .put("max_ejection_ms", outlier.maxEjection().toMillis())
                .put("slow_start_ms", outlier.slowStart().toMillis());
        ArrayNode workers = root.putArray("workers");
        directory.links().stream().sorted(Comparator.comparing(WorkerLink::address)).forEach(l -> {
            ObjectNode w = workers.addObject().put("address", l.address()).put("state", l.state().id())
                    .put("outstanding", l.outstanding()).put("routed", l.routed()).put("ejections", l.ejections());
            WorkerHealth h = l.health();
            w.put("ejection_cause", l.ejectionCause()).put("ejected_for_ms", h.ejectedFor().toMillis())
                    .put("consecutive_failures", h.streak()).put("probing", h.probing())
                    .put("traffic_share", Math.round(h.share() * 1000) / 1000.0);
            LoadReport r = l.report();
            Duration age = l.reportAge();
            w.put("report_age_ms", age == null ? null : age.toMillis());
            ArrayNode voices = w.putArray("voices");
            if (r == null) {
                return;
            }
            for (VoiceDescription v : r.getVoicesList()) {
                boolean resident = r.getResidentList().stream()
                        .anyMatch(x -> x.getId().equals(v.getId()) && x.getVersion().equals(v.getVersion()));
                voices.addObject().put("id", v.getId()).put("version", v.getVersion()).put("resident", resident);
            }
            ArrayNode resident = w.putArray("resident");
            for (ResidentVoice v : r.getResidentList()) {
                resident.add(v.getId() + "@" + v.getVersion());
            }
            ObjectNode load = w.putObject("load");
            load.put("backlog_seconds", r.getBacklogSeconds()).put("backlog_known", r.getBacklogKnown())
                    .put("threads", r.getThreads()).put("in_flight", r.getInFlight()).put("queued", r.getQueued())
                    .put("pending_requests", r.getPendingRequests()).put("cpu_load", r.getCpuLoad())
                    .put("cores", r.getCores()).put("process_memory_bytes", r.getProcessMemoryBytes())
                    .put("hardware_score", RoutingPolicy.hardwareScore(r))
                    .put("requests_completed", r.getRequestsCompleted())
                    .put("requests_failed", r.getRequestsFailed());
            ObjectNode rtf = load.putObject("voice_rtf");
            r.getVoiceRtfMap().forEach(rtf::put);
            if (r.getGpuPresent()) {
                load.putObject("gpu").put("util", r.getGpuUtil())
                        .put("memory_used_bytes", r.getGpuMemoryUsedBytes())
                        .put("memory_total_bytes", r.getGpuMemoryTotalBytes());
            } else {
                load.putNull("gpu");
            }
            w.put("draining", r.getDraining());
        });
        return root.toString();
    }

    @Override
    public void close() {
        directory.close();
        timer.shutdownNow();
        factory.close();
    }
}

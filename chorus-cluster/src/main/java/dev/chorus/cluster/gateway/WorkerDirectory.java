package dev.chorus.cluster.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.dns.DnsAddressEndpointGroup;
import com.linecorp.armeria.client.endpoint.dns.DnsServiceEndpointGroup;
import dev.chorus.cluster.internal.WireFormat;
import dev.chorus.proto.cluster.v1.LoadReport;
import dev.chorus.proto.cluster.v1.ResidentVoice;
import dev.chorus.proto.cluster.v1.VoiceDescription;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.TtsEngine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The workers a gateway knows, found through Armeria endpoint groups: a static list of {@code host:port}, DNS
 * A/AAAA names ({@code name:port}, re-resolved as the records' TTL says) and DNS SRV records
 * ({@code dns+srv://_service._proto.name}, as a Kubernetes headless Service publishes). One {@link WorkerLink}
 * per endpoint, added and closed as the groups change; a watchdog ejects silent workers.
 */
final class WorkerDirectory implements AutoCloseable {

    private final EndpointGroup group;
    private final String scheme;
    private final ClientFactory factory;
    private final ScheduledExecutorService timer;
    private final Duration reportInterval;
    private final Map<Endpoint, WorkerLink> links = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<WorkerLink>> added = new CopyOnWriteArrayList<>();
    private final OutlierSettings outlier;
    private volatile Map<String, VoiceInfo> voices = Map.of();
    private volatile Map<String, TtsEngine.LanguageReach> languageReach = Map.of();

    WorkerDirectory(List<String> workers, boolean tls, ClientFactory factory, ScheduledExecutorService timer,
                    Duration reportInterval, Duration ejectAfter) {
        this(workers, tls, factory, timer, reportInterval, ejectAfter, OutlierSettings.DEFAULTS);
    }

    WorkerDirectory(List<String> workers, boolean tls, ClientFactory factory, ScheduledExecutorService timer,
                    Duration reportInterval, Duration ejectAfter, OutlierSettings outlier) {
        this(workers, tls, factory, timer, reportInterval, ejectAfter, outlier, KubernetesApi.inCluster());
    }

    WorkerDirectory(List<String> workers, boolean tls, ClientFactory factory, ScheduledExecutorService timer,
                    Duration reportInterval, Duration ejectAfter, OutlierSettings outlier, KubernetesApi k8s) {
        this.outlier = outlier;
        this.group = group(workers, k8s);
        this.scheme = tls ? "gproto+https" : "gproto+http";
        this.factory = factory;
        this.timer = timer;
        this.reportInterval = reportInterval;
        group.addListener(this::reconcile, true);
        timer.scheduleAtFixedRate(() -> {
            links.values().forEach(l -> l.check(ejectAfter));
            refreshVoices();
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Builds one endpoint group from the {@code cluster.workers} entries. */
    static EndpointGroup group(List<String> workers) {
        return group(workers, KubernetesApi.inCluster());
    }

    /** Builds one endpoint group from the {@code cluster.workers} entries; {@code k8s://} ones read {@code k8s}. */
    static EndpointGroup group(List<String> workers, KubernetesApi k8s) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("cluster.workers: empty (expected: HOST:PORT, NAME:PORT, "
                    + "dns+srv://NAME or k8s://SERVICE.NAMESPACE:PORT entries, comma-separated)");
        }
        List<EndpointGroup> groups = new ArrayList<>();
        for (String w : workers) {
            String entry = w.strip();
            if (entry.startsWith("k8s://")) {
                groups.add(new KubernetesEndpointGroup(entry, k8s));
                continue;
            }
            if (entry.startsWith("dns+srv://")) {
                String name = entry.substring("dns+srv://".length());
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("cluster.workers: " + entry + " (expected: dns+srv://NAME)");
                }
                groups.add(DnsServiceEndpointGroup.of(name));
                continue;
            }
            Endpoint e;
            try {
                e = Endpoint.parse(entry);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("cluster.workers: " + entry + " (expected: HOST:PORT)", bad);
            }
            if (!e.hasPort()) {
                throw new IllegalArgumentException("cluster.workers: " + entry + " has no port (expected: HOST:PORT,"
                        + " the workers' cluster.worker-port)");
            }
            groups.add(e.isIpAddrOnly() ? e : DnsAddressEndpointGroup.builder(e.host()).port(e.port()).build());
        }
        return EndpointGroup.of(groups);
    }

    /** Registers a callback run when the set of voices the workers serve changes. */
    void addVoicesListener(Runnable r) {
        listeners.add(r);
    }

    /** Registers a callback run for every link, now and when one is added. */
    void onLink(java.util.function.Consumer<WorkerLink> c) {
        added.add(c);
        links.values().forEach(c);
    }

    Collection<WorkerLink> links() {
        return List.copyOf(links.values());
    }

    /** Returns every voice some worker serves, its newest version, by id. */
    Map<String, VoiceInfo> voices() {
        return voices;
    }

    /** Returns which languages a request may ask of {@code engine}'s voices, as the workers report it. */
    TtsEngine.LanguageReach languageReach(String engine) {
        return languageReach.getOrDefault(engine, TtsEngine.LanguageReach.ANY);
    }

    /** Waits until some worker reported or {@code timeout} passed; returns whether one did. */
    boolean awaitFirstReport(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (links.values().stream().anyMatch(l -> l.report() != null)) {
                refreshVoices();
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private void reconcile(List<Endpoint> endpoints) {
        Set<Endpoint> now = new HashSet<>(endpoints);
        for (Endpoint e : endpoints) {
            links.computeIfAbsent(e, k -> {
                WorkerLink l = new WorkerLink(k, scheme, factory, timer, reportInterval, this::refreshVoices,
                        outlier);
                added.forEach(c -> c.accept(l));
                return l;
            });
        }
        links.keySet().removeIf(e -> {
            if (!now.contains(e)) {
                links.get(e).close();
                return true;
            }
            return false;
        });
    }

    private void refreshVoices() {
        Map<String, VoiceInfo> all = new LinkedHashMap<>();
        Map<String, TtsEngine.LanguageReach> reach = new LinkedHashMap<>();
        links.values().stream().sorted(Comparator.comparing(WorkerLink::address)).forEach(l -> {
            LoadReport r = l.report();
            if (r == null || l.state() == WorkerState.DOWN) {
                return;
            }
            for (VoiceDescription d : r.getVoicesList()) {
                VoiceInfo v = WireFormat.voice(d);
                all.merge(v.id(), v, (a, b) -> newer(b.version(), a.version()) ? b : a);
            }
            r.getEngineLanguageReachMap().forEach((engine, name) -> {
                try {
                    reach.putIfAbsent(engine, TtsEngine.LanguageReach.valueOf(name));
                } catch (IllegalArgumentException newerWorker) {
                    // A reach this gateway does not know: leave the check to the worker.
                }
            });
        });
        languageReach = Map.copyOf(reach);
        if (!all.equals(voices) && !all.isEmpty()) {
            voices = Map.copyOf(all);
            listeners.forEach(Runnable::run);
        }
    }

    /** Tells whether a worker that is not down offers {@code voiceId} at {@code version}. */
    boolean offers(String voiceId, String version) {
        return !offered(voiceId).isEmpty() && offered(voiceId).contains(version);
    }

    /** Returns the versions of {@code voiceId} that workers that are not down offer. */
    java.util.SortedSet<String> offered(String voiceId) {
        return VoiceVersions.offered(links.values().stream().filter(l -> l.state() != WorkerState.DOWN)
                .map(WorkerLink::report).filter(java.util.Objects::nonNull).toList(), voiceId);
    }

    /** Returns {@code voiceId} at {@code version} as a worker that is not down describes it, or null. */
    VoiceInfo voice(String voiceId, String version) {
        for (WorkerLink l : links.values()) {
            LoadReport r = l.report();
            if (r == null || l.state() == WorkerState.DOWN) {
                continue;
            }
            for (VoiceDescription d : r.getVoicesList()) {
                if (d.getId().equals(voiceId) && d.getVersion().equals(version)) {
                    return WireFormat.voice(d);
                }
            }
        }
        return null;
    }

    /** Tells whether version {@code a} is newer than {@code b}: longer numbers first, then text order. */
    static boolean newer(String a, String b) {
        return a.length() != b.length() ? a.length() > b.length() : a.compareTo(b) > 0;
    }

    /** Tells whether a worker's report lists {@code voiceId} as loaded now. */
    static boolean resident(LoadReport r, String voiceId) {
        for (ResidentVoice v : r.getResidentList()) {
            if (v.getId().equals(voiceId)) {
                return true;
            }
        }
        return false;
    }

    /** Tells whether a worker's report offers {@code voiceId}. */
    static boolean serves(LoadReport r, String voiceId) {
        for (VoiceDescription v : r.getVoicesList()) {
            if (v.getId().equals(voiceId)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        links.values().forEach(WorkerLink::close);
        group.close();
    }

}

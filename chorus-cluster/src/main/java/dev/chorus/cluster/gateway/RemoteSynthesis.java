package dev.chorus.cluster.gateway;

import com.linecorp.armeria.common.RequestContext;
import dev.chorus.cluster.internal.WireFormat;
import dev.chorus.proto.cluster.v1.LoadReport;
import dev.chorus.proto.cluster.v1.WorkRequest;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The gateway's {@link Synthesis}: each request runs on one worker chosen by voice and load, and moves to another
 * when that one fails under it (see {@link RemoteRun}); a long one, with {@link SpreadSettings}, runs in runs of
 * pieces on several workers at once (see {@link SpreadRun}). No worker able to serve the voice is an
 * {@link OverloadedException}, which the front ends answer with 503 and {@code Retry-After}, before any audio.
 */
final class RemoteSynthesis implements Synthesis {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final WorkerDirectory directory;
    private final RoutingPolicy policy;
    private final ClusterMetrics metrics;
    private final int maxAttempts;
    private final EngineRegistry catalog;
    private final SpreadSettings spread;

    RemoteSynthesis(WorkerDirectory directory, RoutingPolicy policy, ClusterMetrics metrics, int maxAttempts,
                    EngineRegistry catalog) {
        this(directory, policy, metrics, maxAttempts, catalog, SpreadSettings.OFF);
    }

    RemoteSynthesis(WorkerDirectory directory, RoutingPolicy policy, ClusterMetrics metrics, int maxAttempts,
                    EngineRegistry catalog, SpreadSettings spread) {
        this.spread = spread;
        this.directory = directory;
        this.policy = policy;
        this.metrics = metrics;
        this.maxAttempts = maxAttempts;
        this.catalog = catalog;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    ClusterMetrics metrics() {
        return metrics;
    }

    @Override
    public SynthesisHandle start(ParsedRequest request, SynthesisListener listener, SynthesisObserver observer,
                                 boolean reuseSentences) {
        VoiceInfo voice = catalog.resolve(request.request().voice());
        String asked = request.request().voice() == null ? "" : request.request().voice().strip();
        boolean pinned = asked.endsWith("@" + voice.version());
        WorkerLink first = choose(voice, pinned, Set.of(), null, request.request().text().length());
        if (first == null && pinned && !directory.offers(voice.id(), voice.version())) {
            throw new VoiceNotFoundException(voice.id() + "@" + voice.version(), directory.offered(voice.id())
                    .stream().map(v -> voice.id() + "@" + v).toList());
        }
        if (first == null) {
            metrics.refused();
            throw new OverloadedException("no worker can serve voice " + voice.id() + " now ("
                    + describe() + "); try again shortly", RETRY_AFTER);
        }
        WorkRequest.Builder wire = WireFormat.request(request.request(), voice, pinned)
                .setReuseSentences(reuseSentences);
        String trace = traceparent();
        if (trace != null) {
            wire.setTraceparent(trace);
        }
        if (spread.spreads(request.request().text().length())) {
            SpreadRun spreadRun = new SpreadRun(this, wire.build(), voice, listener, observer, this::nanoTime,
                    spread.runPieces(), spread.inFlight());
            spreadRun.begin(first);
            return spreadRun;
        }
        RemoteRun run = new RemoteRun(this, wire.build(), voice, listener, observer, this::nanoTime);
        run.attempt(first);
        return run;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /**
     * Chooses a worker for {@code voice}: up, serving it, not {@code avoid}; those where it is resident first, and
     * of those not yet tried by this request; then the policy's pick. Returns null when none is left.
     */
    WorkerLink choose(VoiceInfo voice, Set<WorkerLink> tried, WorkerLink avoid) {
        return choose(voice, false, tried, avoid);
    }

    /**
     * Chooses a worker as {@link #choose(VoiceInfo, Set, WorkerLink)} does, among those that serve the voice's
     * version: only those when {@code pinned} (the request named it), else those when some do (see
     * {@link VoiceVersions}).
     */
    WorkerLink choose(VoiceInfo voice, boolean pinned, Set<WorkerLink> tried, WorkerLink avoid) {
        return choose(voice, pinned, tried, avoid, 0);
    }

    /**
     * Chooses a worker as {@link #choose(VoiceInfo, boolean, Set, WorkerLink)} does, for a request of {@code chars}
     * characters (0: unknown), whose predicted time on each worker the policy may weigh.
     */
    WorkerLink choose(VoiceInfo voice, boolean pinned, Set<WorkerLink> tried, WorkerLink avoid, int chars) {
        List<Candidate> able = new ArrayList<>();
        for (WorkerLink l : directory.links()) {
            LoadReport r = l.report();
            if (l.state() == WorkerState.UP && l != avoid && r != null && WorkerDirectory.serves(r, voice.id())) {
                // A worker's time per character counts once it served a request, not on its warm-up alone: an
                // estimate from one odd phrase could otherwise keep it from ever getting the work that corrects it.
                double perChar = r.getRequestsCompleted() > 0 ? r.getEngineSecondsPerCharOrDefault(voice.engine(), 0)
                        : 0;
                able.add(new Candidate(l, r, chars * perChar));
            }
        }
        able = VoiceVersions.narrow(able, Candidate::report, voice, pinned);
        if (able.isEmpty()) {
            return null;
        }
        List<Candidate> fresh = able.stream().filter(c -> !tried.contains(c.link)).toList();
        List<Candidate> pool = fresh.isEmpty() ? able : fresh;
        List<Candidate> resident = pool.stream()
                .filter(c -> VoiceVersions.resident(c.report, voice.id(), voice.version())).toList();
        String reason = resident.isEmpty() ? "load" : "resident";
        pool = WorkerHealth.thin(resident.isEmpty() ? pool : resident, c -> c.link.health().share());
        Candidate pick = (Candidate) policy.pick(List.copyOf(pool));
        metrics.routed(pool.size() == 1 ? reason + "-only" : reason + "-" + policy.name());
        return pick.link;
    }

    private String describe() {
        long up = directory.links().stream().filter(l -> l.state() == WorkerState.UP).count();
        return up + " of " + directory.links().size() + " workers up";
    }

    /** Returns the W3C trace context of the current span, or of the request's own header, or null. */
    private static String traceparent() {
        SpanContext s = Span.current().getSpanContext();
        if (s.isValid()) {
            return "00-" + s.getTraceId() + "-" + s.getSpanId() + "-" + s.getTraceFlags().asHex();
        }
        RequestContext ctx = RequestContext.currentOrNull();
        return ctx == null || ctx.request() == null ? null : ctx.request().headers().get("traceparent");
    }

    private record Candidate(WorkerLink link, LoadReport report, double serviceSeconds)
            implements RoutingPolicy.Candidate {
        @Override
        public int outstanding() {
            return link.outstanding();
        }

        @Override
        public int sentSinceReport() {
            return link.sentSinceReport();
        }
    }
}

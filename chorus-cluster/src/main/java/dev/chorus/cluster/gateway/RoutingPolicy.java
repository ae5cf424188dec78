package dev.chorus.cluster.gateway;

import dev.chorus.proto.cluster.v1.LoadReport;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks one worker among those that may take a request (already narrowed to the workers that are up and serve
 * the voice, resident ones first). Implementations must be thread-safe and quick: they run on every request.
 */
public interface RoutingPolicy {

    /** Returns one of {@code candidates} (never empty). */
    Candidate pick(List<Candidate> candidates);

    /** Returns the policy's name, as {@code cluster.policy} spells it. */
    String name();

    /** What a policy sees of one worker. */
    interface Candidate {
        /** Returns the latest load report (never null for a candidate). */
        LoadReport report();

        /** Returns the requests this gateway has running there now. */
        int outstanding();

        /**
         * Returns the predicted worker time of the request being routed on this worker, in seconds: its characters
         * times the worker's reported time per character for the voice's engine; 0 when either is unknown, and
         * while the worker has completed no request from a gateway (its estimate would rest on its warm-up alone).
         */
        default double serviceSeconds() {
            return 0;
        }

        /** Returns the requests this gateway sent there since the latest report arrived (it may not count them). */
        default int sentSinceReport() {
            return 0;
        }
    }

    /**
     * Returns the default policy: power of two choices on predicted backlog seconds. Two candidates are drawn at
     * random; when both backlogs are known, the one that would finish the request sooner wins if the two differ by
     * more than 10 ms: its backlog brought up to date ({@link #backlogNow}) plus the request's own predicted time
     * there ({@link Candidate#serviceSeconds()}, when both are known; else the backlog alone); else the lower
     * hardware score ({@link #hardwareScore}) wins when the scores differ by more than 0.01; else the one with fewer
     * requests from this gateway.
     *
     * <p>The request's own time counts because a backlog is only the wait for a thread: while both workers have a
     * thread free, a worker four times slower has the same backlog (none) as a fast one, yet keeps the request four
     * times as long. The backlog is brought up to date because a report is up to 200 ms old, and the requests sent
     * since would otherwise all follow the same stale figure to the same worker.
     */
    static RoutingPolicy backlog() {
        return new RoutingPolicy() {
            @Override
            public Candidate pick(List<Candidate> candidates) {
                if (candidates.size() == 1) {
                    return candidates.getFirst();
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int i = random.nextInt(candidates.size());
                int j = random.nextInt(candidates.size() - 1);
                if (j >= i) {
                    j++;
                }
                return better(candidates.get(i), candidates.get(j));
            }

            @Override
            public String name() {
                return "backlog";
            }
        };
    }

    /** Returns a policy that takes the candidates in turn, ignoring their load. */
    static RoutingPolicy roundRobin() {
        AtomicLong next = new AtomicLong();
        return new RoutingPolicy() {
            @Override
            public Candidate pick(List<Candidate> candidates) {
                return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
            }

            @Override
            public String name() {
                return "round-robin";
            }
        };
    }

    /** Returns the policy named {@code name}: {@code backlog} or {@code round-robin}. */
    static RoutingPolicy of(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "backlog" -> backlog();
            case "round-robin" -> roundRobin();
            default -> throw new IllegalArgumentException("cluster.policy: " + name
                    + " (expected: backlog or round-robin)");
        };
    }

    /** Returns the better of two candidates under the backlog rule described at {@link #backlog()}. */
    static Candidate better(Candidate a, Candidate b) {
        LoadReport ra = a.report();
        LoadReport rb = b.report();
        if (ra.getBacklogKnown() && rb.getBacklogKnown()) {
            boolean timed = a.serviceSeconds() > 0 && b.serviceSeconds() > 0;
            double fa = backlogNow(a) + (timed ? a.serviceSeconds() : 0);
            double fb = backlogNow(b) + (timed ? b.serviceSeconds() : 0);
            if (Math.abs(fa - fb) > 0.010) {
                return fa < fb ? a : b;
            }
        }
        double ha = hardwareScore(ra);
        double hb = hardwareScore(rb);
        if (Math.abs(ha - hb) > 0.01) {
            return ha < hb ? a : b;
        }
        return a.outstanding() <= b.outstanding() ? a : b;
    }

    /**
     * Returns a candidate's reported backlog plus what the requests this gateway sent since that report add to it:
     * those of them beyond the worker's free threads ({@code threads - pending requests} at the report) queue, each
     * for the request's predicted time shared among the threads. Without the request's predicted time, the reported
     * backlog as is.
     */
    static double backlogNow(Candidate c) {
        LoadReport r = c.report();
        int sent = c.sentSinceReport();
        if (sent == 0 || c.serviceSeconds() <= 0 || r.getThreads() <= 0) {
            return r.getBacklogSeconds();
        }
        int queued = Math.max(0, r.getPendingRequests() + sent - r.getThreads())
                - Math.max(0, r.getPendingRequests() - r.getThreads());
        return r.getBacklogSeconds() + queued * c.serviceSeconds() / r.getThreads();
    }

    /**
     * Returns {@code 0.5·GPU util + 0.3·CPU load/cores + 0.2·GPU memory used/total} (lower is better). The CPU
     * load a worker reports is the machine's, already a share of all its cores (0..1), so it is used as is; a
     * worker without a GPU scores on CPU alone.
     */
    static double hardwareScore(LoadReport r) {
        double gpuMem = r.getGpuMemoryTotalBytes() > 0
                ? (double) r.getGpuMemoryUsedBytes() / r.getGpuMemoryTotalBytes() : 0;
        return 0.5 * r.getGpuUtil() + 0.3 * r.getCpuLoad() + 0.2 * gpuMem;
    }
}

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
         * times the worker's reported time per character for the voice's engine; 0 when either is unknown.
         */
        default double serviceSeconds() {
            return 0;
        }
    }

    /**
     * Returns the default policy: power of two choices on predicted backlog seconds. Two candidates are drawn at
     * random; the one with less backlog wins when both backlogs are known and differ by more than 10 ms; else the
     * one where the request itself would take less time ({@link Candidate#serviceSeconds()}, when both are known
     * and differ by more than 10 ms); else the lower hardware score ({@link #hardwareScore}) wins when the scores
     * differ by more than 0.01; else the one with fewer requests from this gateway.
     *
     * <p>The request's own time breaks ties because a backlog counts only the wait for a thread: while both
     * workers have a thread free, a worker four times slower has the same backlog (none) as a fast one, yet keeps
     * the request four times as long. It only breaks ties, so a worker whose estimate is off (from a few odd
     * chunks) still gets work as soon as the others have a queue, and its estimate corrects itself.
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
        if (ra.getBacklogKnown() && rb.getBacklogKnown()
                && Math.abs(ra.getBacklogSeconds() - rb.getBacklogSeconds()) > 0.010) {
            return ra.getBacklogSeconds() < rb.getBacklogSeconds() ? a : b;
        }
        if (a.serviceSeconds() > 0 && b.serviceSeconds() > 0
                && Math.abs(a.serviceSeconds() - b.serviceSeconds()) > 0.010) {
            return a.serviceSeconds() < b.serviceSeconds() ? a : b;
        }
        double ha = hardwareScore(ra);
        double hb = hardwareScore(rb);
        if (Math.abs(ha - hb) > 0.01) {
            return ha < hb ? a : b;
        }
        return a.outstanding() <= b.outstanding() ? a : b;
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

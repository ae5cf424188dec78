package dev.chorus.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a policy makes of a scan: one decision per finding, and from them whether the request is refused and
 * which spans of its input are masked.
 *
 * @param decisions every finding with the action taken on it
 */
public record Verdict(List<Decision> decisions) {

    /**
     * One finding and its action.
     *
     * @param finding the match
     * @param action  what the policy does with it
     */
    public record Decision(Finding finding, Action action) {
    }

    /** Copies the list. */
    public Verdict {
        decisions = List.copyOf(decisions);
    }

    /**
     * Applies {@code policy} to {@code scan}. A timed-out rule counts as a match of its category over the whole
     * input when {@code failClosed}; otherwise it is only logged.
     */
    public static Verdict of(ScanResult scan, ContentPolicy policy, boolean failClosed) {
        List<Decision> out = new ArrayList<>();
        for (Finding f : scan.findings()) {
            Action a = f.timedOut() && !failClosed ? Action.LOG : policy.actionFor(f.category());
            out.add(new Decision(f, a));
        }
        return new Verdict(out);
    }

    /** Returns the categories that refuse the request, sorted; empty when it goes ahead. */
    public List<String> blockedCategories() {
        TreeSet<String> s = new TreeSet<>();
        for (Decision d : decisions) {
            if (d.action() == Action.BLOCK) {
                s.add(d.finding().category());
            }
        }
        return List.copyOf(s);
    }

    /** Returns the input spans to mask, as {@code [start, end)} pairs in input order (they may overlap). */
    public List<int[]> maskedSpans() {
        List<int[]> out = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.action() == Action.MASK) {
                out.add(new int[] {d.finding().sourceStart(), d.finding().sourceEnd()});
            }
        }
        return out;
    }
}

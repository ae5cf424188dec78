package dev.chorus.safety;

import java.util.List;

/**
 * What the rules found in one text.
 *
 * @param findings the matches that no allowlist entry suppressed, in text order; a rule whose pattern ran out of
 *                 time is here too, with {@link Finding#timedOut()} set and the whole input as its span
 * @param scanNanos how long the scan took
 */
public record ScanResult(List<Finding> findings, long scanNanos) {

    /** Copies the list. */
    public ScanResult {
        findings = List.copyOf(findings);
    }

    /** Tells whether nothing matched and nothing timed out. */
    public boolean clean() {
        return findings.isEmpty();
    }
}

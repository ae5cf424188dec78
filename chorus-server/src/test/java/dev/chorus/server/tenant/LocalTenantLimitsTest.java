package dev.chorus.server.tenant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monthly quota use kept in this process: charged in memory at once (so a request never waits for the disk), written
 * to the state directory behind the charges within about a second, and completely on close, so a restart keeps
 * every charge; a new month writes the old one's last charges first.
 */
class LocalTenantLimitsTest {

    private static final YearMonth MARCH = YearMonth.of(2026, 3);
    private static final YearMonth APRIL = YearMonth.of(2026, 4);

    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void chargesAreWrittenBehindWithinAboutASecond() throws Exception {
        try (LocalTenantLimits limits = new LocalTenantLimits(dir)) {
            assertThat(limits.mayBlock()).as("no request waits for the quota file").isFalse();
            assertThat(limits.chargeMonthly("acme", MARCH, 40, 100)).isEqualTo(40);
            assertThat(limits.chargeMonthly("acme", MARCH, 70, 100)).as("over the limit: refused, uncharged")
                    .isEqualTo(-41);
            assertThat(limits.chargeMonthly("acme", MARCH, 60, 100)).isEqualTo(100);
            Path file = dir.resolve("quota-2026-03.properties");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(Files.exists(file) && Files.readString(file).contains("acme=100"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(file).as("written without a close").content().contains("acme=100");
        }
    }

    @Test
    void closeWritesWhatIsPendingAndARestartKeepsIt() {
        try (LocalTenantLimits limits = new LocalTenantLimits(dir)) {
            limits.chargeMonthly("acme", MARCH, 30, 0);
            limits.chargeMonthly("zeta", MARCH, 5, 0);
        }
        assertThat(dir.resolve("quota-2026-03.properties")).content().contains("acme=30").contains("zeta=5");
        try (LocalTenantLimits again = new LocalTenantLimits(dir)) {
            assertThat(again.monthlyUse("acme", MARCH)).isEqualTo(30);
            assertThat(again.chargeMonthly("zeta", MARCH, 95, 100)).isEqualTo(100);
            assertThat(again.chargeMonthly("zeta", MARCH, 1, 100)).isEqualTo(-101);
        }
    }

    @Test
    void aNewMonthWritesTheOldMonthsLastChargesAndStartsAfresh() {
        try (LocalTenantLimits limits = new LocalTenantLimits(dir)) {
            limits.chargeMonthly("acme", MARCH, 12, 0);
            assertThat(limits.chargeMonthly("acme", APRIL, 3, 0)).isEqualTo(3);
            assertThat(dir.resolve("quota-2026-03.properties")).content().contains("acme=12");
        }
        assertThat(dir.resolve("quota-2026-04.properties")).content().contains("acme=3");
    }

    @Test
    void withoutAStateDirectoryNothingIsWritten() {
        try (LocalTenantLimits limits = new LocalTenantLimits(null)) {
            assertThat(limits.chargeMonthly("acme", MARCH, 12, 0)).isEqualTo(12);
        }
        assertThat(dir).isEmptyDirectory();
    }
}

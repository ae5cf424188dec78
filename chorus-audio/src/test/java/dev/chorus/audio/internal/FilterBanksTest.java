package dev.chorus.audio.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared table cache. */
class FilterBanksTest {

    @Test
    void ratesWithTheSameRatioShareOneTable() {
        assertThat(FilterBanks.forRates(11025, 24000)).isSameAs(FilterBanks.forRates(22050, 48000));
        assertThat(FilterBanks.forRates(48000, 16000)).isSameAs(FilterBanks.forRates(24000, 8000));
        assertThat(FilterBanks.forRates(16000, 48000)).isNotSameAs(FilterBanks.forRates(48000, 16000));
    }

    @Test
    void concurrentFirstRequestsGetTheSameTable() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<FilterBank>> banks = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                banks.add(pool.submit(() -> {
                    start.await();
                    return FilterBanks.forRates(32000, 44100);
                }));
            }
            start.countDown();
            FilterBank first = banks.getFirst().get();
            for (Future<FilterBank> bank : banks) {
                assertThat(bank.get()).isSameAs(first);
            }
        }
    }

    @Test
    void largeRatiosInterpolateBetweenFewerRows() {
        FilterBank odd = FilterBanks.forRates(44100, 47999);
        FilterBank common = FilterBanks.forRates(44100, 48000);

        assertThat(common.interpolated()).isFalse();
        assertThat(common.phases()).isEqualTo(160);
        assertThat(odd.interpolated()).isTrue();
        assertThat(odd.phases()).isLessThan(odd.up()).isBetween(900, 1024);
    }
}

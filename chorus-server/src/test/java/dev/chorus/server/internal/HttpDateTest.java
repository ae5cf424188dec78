package dev.chorus.server.internal;

import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDateTest {

    @Test
    void theDateIsRfc9110sFixedFormatWithATwoDigitDay() {
        // 2026-12-05T09:04:03Z: a one-digit day and hour, which RFC 1123's formatter would print unpadded.
        long millis = 1_796_461_443_250L;
        assertThat(HttpDate.at(millis)).isEqualTo("Sat, 05 Dec 2026 09:04:03 GMT");
        // What clients parse it with gives the same second back.
        assertThat(ZonedDateTime.parse(HttpDate.at(millis), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond())
                .isEqualTo(millis / 1000);
    }

    @Test
    void everyResponseOfASecondSharesOneValueAndTheNextSecondGetsItsOwn() {
        long second = 1_796_461_443_000L;
        String first = HttpDate.at(second);
        assertThat(HttpDate.at(second + 999)).isSameAs(first);
        assertThat(HttpDate.at(second + 1000)).isEqualTo("Sat, 05 Dec 2026 09:04:04 GMT");
    }
}

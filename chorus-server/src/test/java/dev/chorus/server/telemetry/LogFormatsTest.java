package dev.chorus.server.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.server.LogFormats;
import dev.chorus.server.ServerConfig;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log formats on their own, and the metric switches that need no running server. */
class LogFormatsTest {

    @Test
    void jsonIsOneEscapedObjectPerLine() throws Exception {
        LogRecord r = new LogRecord(Level.WARNING, "said \"{0}\"\nthen\ttab");
        r.setLoggerName("dev.chorus.test");
        r.setParameters(new Object[] {"hi", new LogFields("req1", "t".repeat(32), "s".repeat(16), "espeak:en-us",
                "anonymous")});
        r.setThrown(new IllegalStateException("boom"));
        String line = LogFormats.forName("json").format(r);
        assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
        var json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("logger").asText()).isEqualTo("dev.chorus.test");
        assertThat(json.path("message").asText()).isEqualTo("said \"hi\"\nthen\ttab");
        assertThat(json.path("request_id").asText()).isEqualTo("req1");
        assertThat(json.path("trace_id").asText()).hasSize(32);
        assertThat(json.path("voice").asText()).isEqualTo("espeak:en-us");
        assertThat(json.path("tenant").asText()).isEqualTo("anonymous");
        assertThat(json.path("error").asText()).contains("IllegalStateException: boom");
        assertThat(json.path("ts").asText()).endsWith("Z");
    }

    @Test
    void theAccessLineReadsAsItsPatternWouldAndNamesTheThreadThatLoggedIt() throws Exception {
        LogRecord r = new LogRecord(Level.INFO, LogFormats.ACCESS_MESSAGE);
        r.setLoggerName("dev.chorus.access");
        r.setParameters(new Object[] {"POST", "/v1/audio/{0}'s", "200", "12", "4388",
                new LogFields("req3", null, null, null, "anonymous")});
        String expected = new java.util.logging.SimpleFormatter().formatMessage(r);
        assertThat(expected).isNotEqualTo(LogFormats.ACCESS_MESSAGE); // the pattern was applied
        var json = new ObjectMapper().readTree(LogFormats.forName("json").format(r));
        assertThat(json.path("message").asText()).isEqualTo("POST /v1/audio/{0}'s 200 12ms 4388B");
        assertThat(json.path("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(LogFormats.forName("text").format(r)).contains(": POST /v1/audio/{0}'s 200 12ms 4388B ");
        // Formatted on another thread for the one that logged it, the line names the one that logged it.
        LogFormats.loggedOn("armeria-common-worker-epoll-3-2");
        try {
            json = new ObjectMapper().readTree(LogFormats.forName("json").format(r));
            assertThat(json.path("thread").asText()).isEqualTo("armeria-common-worker-epoll-3-2");
        } finally {
            LogFormats.loggedOn(null);
        }
    }

    @Test
    void textIsOneReadableLineWithTheRequestFields() {
        LogRecord r = new LogRecord(Level.INFO, "listening");
        r.setLoggerName("dev.chorus.server.ChorusServer");
        r.setParameters(new Object[] {new LogFields("req2", "abc", "def", null, "anonymous")});
        String line = LogFormats.forName("text").format(r);
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO dev.chorus.server.ChorusServer: listening "
                + "request_id=req2 trace_id=abc tenant=anonymous\\R");
        LogRecord plain = new LogRecord(Level.INFO, "no request");
        plain.setLoggerName("x");
        assertThat(LogFormats.forName("json").format(plain)).doesNotContain("request_id");
        assertThatThrownBy(() -> LogFormats.forName("xml")).hasMessageContaining("json or text");
    }

    @Test
    void tenantLabelsAndMetricsCanBeTurnedOff() {
        Telemetry noTenant = new Telemetry(ServerConfig.builder().tenantLabels(false).build());
        assertThat(noTenant.withTenant(Tags.of("route", "/x"), "anonymous")).containsExactly(
                io.micrometer.core.instrument.Tag.of("route", "/x"));
        assertThat(noTenant.prometheus()).isNotNull();
        noTenant.close();
        Telemetry off = new Telemetry(ServerConfig.builder().metricsEnabled(false).build());
        assertThat(off.prometheus()).isNull();
        var counter = off.characters("e", "v", "anonymous");
        counter.increment(5);
        assertThat(counter.count()).isZero();
        off.close();
    }
}

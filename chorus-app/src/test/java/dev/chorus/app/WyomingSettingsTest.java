package dev.chorus.app;

import dev.chorus.server.ServerConfig;
import dev.chorus.server.wyoming.WyomingConfig;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code wyoming.*} settings and the {@code --wyoming-port} flag of {@code chorus serve}. */
class WyomingSettingsTest {

    @Test
    void wyomingIsOffUntilAPortIsSet() throws Exception {
        assertThat(ServeSettings.load(null, Map.of(), Map.of()).serverConfig().wyoming()).isNull();
    }

    @Test
    void settingsFromTheEnvironmentReachTheListener() throws Exception {
        ServerConfig c = ServeSettings.load(null, Map.of("CHORUS_WYOMING_PORT", "10200", "CHORUS_WYOMING_HOST",
                "0.0.0.0", "CHORUS_WYOMING_TENANT", "home", "CHORUS_WYOMING_ZEROCONF", "false",
                "CHORUS_WYOMING_NAME", "living room", "CHORUS_WYOMING_MAX_CONNECTIONS", "8"), Map.of()).serverConfig();
        WyomingConfig w = c.wyoming();
        assertThat(w.port()).isEqualTo(WyomingConfig.USUAL_PORT);
        assertThat(w.host()).isEqualTo("0.0.0.0");
        assertThat(w.tenant()).isEqualTo("home");
        assertThat(w.zeroconf()).isFalse();
        assertThat(w.name()).isEqualTo("living room");
        assertThat(w.maxConnections()).isEqualTo(8);
        WyomingConfig defaults = ServeSettings.load(null, Map.of("CHORUS_WYOMING_PORT", "0"), Map.of())
                .serverConfig().wyoming();
        assertThat(defaults.zeroconf()).isTrue();
        assertThat(defaults.name()).isEqualTo("chorus");
        assertThat(defaults.maxConnections()).isEqualTo(64);
        assertThat(defaults.tenant()).isNull();
    }

    @Test
    void badValuesNameTheSettingAndItsSource() {
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_WYOMING_PORT", "70000"), Map.of())
                .serverConfig()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("wyoming.port: 70000").hasMessageContaining("CHORUS_WYOMING_PORT");
        assertThatThrownBy(() -> ServeSettings.load(null, Map.of("CHORUS_WYOMING_PORT", "10200",
                "CHORUS_WYOMING_MAX_CONNECTIONS", "0"), Map.of()).serverConfig())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("wyoming.max-connections");
    }

    @Test
    void theFlagSetsThePort() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new ServeCommand());
        cli.setOut(new PrintWriter(out));
        int status = cli.execute("--wyoming-port", "10300", "--print-config");
        assertThat(status).isZero();
        assertThat(out.toString()).contains("wyoming.port: 10300");
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.WyomingClient.Event;
import dev.chorus.server.wyoming.WyomingConfig;
import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenancy on the Wyoming port of a server with tenants: a port bound to one tenant applies that tenant's voices and
 * limits (Home Assistant sends no key); a port without one takes a tenant's API key in the first event.
 */
@Timeout(60)
class WyomingTenantsTest {

    private static final String HOME_KEY = "sk-home-0123456789abcdef";
    private static final String LIMITED_KEY = "sk-limited-0123456789abcdef";

    @TempDir
    static Path dir;
    private static Synthesizer synthesizer;
    private static ChorusServer fixed;
    private static ChorusServer keyed;

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("tenants.yaml");
        TenantServer.write(file, new TenantServer.Spec("home", HOME_KEY, "voices: [\"paced:*\"]"),
                new TenantServer.Spec("limited", LIMITED_KEY, "limits: {monthly-characters: 20}"));
        EngineRegistry registry = EngineRegistry.builder()
                .providers(List.of(new PacedEngineProvider(), new CountingEngineProvider()))
                .workers("paced", 2).workers("counting", 2).defaultVoice("paced:tone").build();
        synthesizer = Synthesizer.builder().registry(registry).build();
        fixed = server(file, w -> w.tenant("home"));
        keyed = server(file, w -> w);
    }

    private static ChorusServer server(Path tenants, UnaryOperator<WyomingConfig.Builder> wyoming) {
        return ChorusServer.create(synthesizer, ServerConfig.builder().port(0).warmUp(false).metricsEnabled(false)
                .shutdownQuietPeriod(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(2))
                .tenantsFile(tenants).tenantsStateDir(dir.resolve("state"))
                .wyoming(wyoming.apply(WyomingConfig.builder().port(0).zeroconf(false)).build()).build()).start();
    }

    @AfterAll
    static void stop() {
        for (ChorusServer s : new ChorusServer[] {fixed, keyed}) {
            if (s != null) {
                s.stop();
            }
        }
        if (synthesizer != null) {
            synthesizer.close();
        }
    }

    @Test
    void aPortBoundToATenantRefusesVoicesOutsideItsList() throws Exception {
        try (WyomingClient c = new WyomingClient(fixed.wyomingPort())) {
            c.send("describe", null);
            List<String> names = new ArrayList<>();
            for (JsonNode v : c.read().data().get("tts").get(0).get("voices")) {
                names.add(v.get("name").asText());
            }
            assertThat(names).as("only the tenant's voices are offered").containsExactly("paced:tone");

            c.send("synthesize", "{\"text\":\"Not for you.\",\"voice\":{\"name\":\"counting:tone\"}}");
            Event refused = c.read();
            assertThat(refused.type()).isEqualTo("error");
            assertThat(refused.data().get("code").asText()).isEqualTo("voice_not_allowed");
            assertThat(refused.data().get("text").asText()).contains("counting:tone", "home");

            c.send("synthesize", "{\"text\":\"This one is fine.\",\"voice\":{\"name\":\"paced:tone\"}}");
            List<Event> ok = c.readUntil("audio-stop");
            assertThat(ok.getLast().type()).isEqualTo("audio-stop");
            assertThat(WyomingClient.pcm(ok)).hasSize(4 * PacedEngineProvider.RATE / 10 * 2);
        }
    }

    @Test
    void aPortWithoutATenantTakesAnApiKeyInTheFirstEvent() throws Exception {
        try (WyomingClient c = new WyomingClient(keyed.wyomingPort())) {
            c.send("describe", null);
            Event e = c.read();
            assertThat(e.data().get("code").asText()).isEqualTo("missing_api_key");
            assertThat(c.closedByServer()).isTrue();
        }
        try (WyomingClient c = new WyomingClient(keyed.wyomingPort())) {
            c.send("describe", "{\"api_key\":\"sk-wrong-0123456789abcdef\"}");
            assertThat(c.read().data().get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(c.closedByServer()).isTrue();
        }
        try (WyomingClient c = new WyomingClient(keyed.wyomingPort())) {
            c.send("describe", "{\"api_key\":\"" + LIMITED_KEY + "\"}");
            assertThat(c.read().type()).isEqualTo("info");
            // The tenant's quota applies: 20 characters a month.
            c.send("synthesize", "{\"text\":\"Twelve chars\",\"voice\":{\"name\":\"counting:tone\"}}");
            assertThat(c.readUntil("audio-stop").getLast().type()).isEqualTo("audio-stop");
            c.send("synthesize", "{\"text\":\"Twelve again\",\"voice\":{\"name\":\"counting:tone\"}}");
            Event quota = c.read();
            assertThat(quota.type()).isEqualTo("error");
            assertThat(quota.data().get("code").asText()).isEqualTo("insufficient_quota");
        }
    }

    @Test
    void aPortTenantThatIsNotInTheTenantsFileStopsStartUp() {
        assertThatThrownBy(() -> ChorusServer.create(synthesizer, ServerConfig.builder().port(0).warmUp(false)
                .tenantsFile(dir.resolve("tenants.yaml")).tenantsStateDir(dir.resolve("state"))
                .wyoming(WyomingConfig.builder().port(0).zeroconf(false).tenant("nobody").build()).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("wyoming.tenant: 'nobody'");
        assertThatThrownBy(() -> ChorusServer.create(synthesizer, ServerConfig.builder().port(0).warmUp(false)
                .wyoming(WyomingConfig.builder().port(0).zeroconf(false).tenant("home").build()).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("without tenants");
    }
}

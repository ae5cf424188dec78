package dev.chorus.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.ApiException;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Job notifications to a real HTTP receiver on loopback: signed, retried with backoff, given up; targets checked. */
@Timeout(60)
class JobsWebhookTest {

    private static final String SECRET = "webhook-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Synthesizer synthesizer;
    private Jobs jobs;
    private HttpServer receiver;
    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger flaky = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new WordToneEngine()))
                .defaultVoice("word:a").build();
        synthesizer = Synthesizer.builder().registry(registry).build();
        SpeechService speech = SpeechService.builder(Synthesis.local(synthesizer), new VoiceRouter(registry, Map.of()))
                .build();
        jobs = Jobs.builder(speech, JobsConfig.builder(dir).webhookSecret(SECRET).webhookAllow(List.of("127.0.0.1"))
                .webhookRetryBase(Duration.ofMillis(100)).webhookMaxAttempts(3).build()).build().start();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[] {x.getRequestURI().getPath(), x.getRequestHeaders().getFirst("Chorus-Signature"),
                    x.getRequestHeaders().getFirst("Chorus-Webhook-Id"), body});
            // The first call to /flaky fails; /down always does.
            boolean ok = x.getRequestURI().getPath().equals("/flaky") && flaky.getAndIncrement() > 0;
            x.sendResponseHeaders(ok ? 204 : 500, -1);
            x.close();
        });
        receiver.start();
    }

    @AfterEach
    void close() {
        receiver.stop(0);
        jobs.close();
        synthesizer.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private Job awaitWebhook(String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Job j = null;
        while (System.nanoTime() < deadline) {
            j = jobs.get(null, id).orElseThrow();
            if (j.webhook() != null && j.webhook().status().equals(status)) {
                return j;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + ": " + j);
    }

    @Test
    void aFinishedJobIsAnnouncedSignedAndRetriedUntilDelivered() throws Exception {
        String id = jobs.submit(SpeechInput.of("Tell me when done.", "word:a"), Caller.ANONYMOUS,
                new Jobs.Options(url("/flaky"), null, null)).job().id();
        Job j = awaitWebhook(id, "delivered");
        assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(j.webhook().attempts()).isEqualTo(2);
        List<String[]> calls = received.stream().filter(c -> c[0].equals("/flaky")).toList();
        assertThat(calls).hasSize(2);
        for (String[] c : calls) {
            // The receiver checks the signature with the shared secret over "TIMESTAMP.BODY".
            long t = Long.parseLong(c[1].substring(2, c[1].indexOf(',')));
            assertThat(c[1]).isEqualTo(Webhooks.sign(SECRET, t, c[3]));
            assertThat(c[2]).isEqualTo(id + ".succeeded");
            JsonNode event = JSON.readTree(c[3]);
            assertThat(event.get("type").asText()).isEqualTo("job.succeeded");
            assertThat(event.get("job").get("audio_url").asText()).isEqualTo("/v1/audio/jobs/" + id + "/audio");
        }
        assertThat(Webhooks.sign("another-secret-0123456", 1, calls.get(0)[3])).isNotEqualTo(calls.get(0)[1]);
    }

    @Test
    void aReceiverThatKeepsFailingIsGivenUpOnAfterTheLastAttempt() throws Exception {
        String id = jobs.submit(SpeechInput.of("Nobody listens.", "word:a"), Caller.ANONYMOUS,
                new Jobs.Options(url("/down"), null, null)).job().id();
        Job j = awaitWebhook(id, "failed");
        assertThat(j.webhook().attempts()).isEqualTo(3);
        assertThat(j.webhook().lastError()).isEqualTo("HTTP 500");
        assertThat(received.stream().filter(c -> c[0].equals("/down"))).hasSize(3);
    }

    @Test
    void targetsMustBeHttpsOrLoopbackAndNotPrivateUnlessAllowed() {
        for (String[] bad : new String[][] {
                {"http://8.8.8.8/hook", "expected: https"},
                {"https://10.1.2.3/hook", "not a public address"},
                {"https://[::1]/hook", "not a public address"},
                {"https://169.254.169.254/latest", "not a public address"},
                {"ftp://127.0.0.1/x", "expected: an https URL"},
                {"https://user:pw@127.0.0.1/x", "no user info"},
                {"not a url", "not a URL"}}) {
            assertThatThrownBy(() -> jobs.submit(SpeechInput.of("Hi.", "word:a"), Caller.ANONYMOUS,
                    new Jobs.Options(bad[0], null, null)))
                    .as(bad[0]).isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("webhook_url", bad[1]);
                    });
        }
        assertThatThrownBy(() -> Webhooks.checkTarget("https://127.0.0.1/x", List.of()))
                .hasMessageContaining("jobs.webhook.allow");
        Webhooks.checkTarget("https://8.8.8.8/hook", List.of());
    }
}

package dev.chorus.cluster.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.Gateway;
import dev.chorus.cluster.worker.WorkerServer;
import dev.chorus.loadgen.paced.PacedEngineProvider;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.Synthesis;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real worker APIs on loopback running the paced benchmark engine with two threads each: two take
 * {@value #FAST_MILLIS} ms a sentence, the third four times as long. The same closed loop of {@value #CLIENTS}
 * clients sends {@value #REQUESTS} one-sentence requests through a gateway with each policy: round robin hands the
 * slow worker its third whatever its speed, while the backlog policy, which weighs each worker's queue and the
 * request's predicted time there, gives it much less. Shares are read from the gateway's own count of the requests
 * it routed to each worker ({@code /admin/cluster}'s {@code routed}), not from timings.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowWorkerRoutingTest {

    private static final int FAST_MILLIS = 40;
    private static final int CLIENTS = 6;
    private static final int REQUESTS = 90;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<Synthesizer> SIDES = new ArrayList<>();
    private static final List<WorkerServer> WORKERS = new ArrayList<>();
    private static String slowAddress;

    @BeforeAll
    static void startWorkers() {
        for (int millis : new int[] {FAST_MILLIS, FAST_MILLIS, 4 * FAST_MILLIS}) {
            Synthesizer s = Synthesizer.builder().registry(EngineRegistry.builder()
                    .providers(List.of(new PacedEngineProvider())).workers("paced", 2)
                    .setting("paced.sentence-millis", Integer.toString(millis)).defaultVoice("paced:tone").build())
                    .build();
            SIDES.add(s);
            WORKERS.add(WorkerServer.start(s, "127.0.0.1", 0, null));
        }
        slowAddress = "127.0.0.1:" + WORKERS.getLast().port();
    }

    @AfterAll
    static void stopWorkers() {
        WORKERS.forEach(WorkerServer::close);
        SIDES.forEach(Synthesizer::close);
    }

    @Test
    void theBacklogPolicySendsASlowWorkerFarLessThanRoundRobinDoes() throws Exception {
        Run roundRobin = run("round-robin");
        Run backlog = run("backlog");
        System.out.printf("slow worker's share: round robin %.3f (%s), backlog %.3f (%s)%n", roundRobin.slowShare(),
                roundRobin, backlog.slowShare(), backlog);
        assertThat(roundRobin.slowShare()).as("round robin: the slow worker's share, %s", roundRobin)
                .isBetween(0.30, 0.37);
        // By speed alone its share would be 0.5 / (2 + 0.5) = 0.2; it gets work only when the fast ones queue.
        assertThat(backlog.slowShare()).as("backlog: the slow worker's share, %s", backlog).isLessThan(0.15);
        assertThat(backlog.failed()).as("failed requests under backlog").isZero();
        assertThat(roundRobin.failed()).as("failed requests under round robin").isZero();
    }

    /** What one policy did with the same closed loop. */
    private record Run(String policy, long slow, long total, int failed) {
        double slowShare() {
            return (double) slow / total;
        }
    }

    private static Run run(String policy) throws Exception {
        List<String> addresses = WORKERS.stream().map(w -> "127.0.0.1:" + w.port()).toList();
        try (Gateway gateway = Gateway.builder(addresses).policy(policy).reportInterval(Duration.ofMillis(50))
                .outlier(new OutlierSettings(5, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(2),
                        Duration.ZERO))
                .build()) {
            awaitResident(gateway);
            EngineRegistry catalog = EngineRegistry.builder().providers(gateway.engineProviders())
                    .defaultVoice("paced:tone").build();
            Synthesis remote = gateway.synthesis(catalog);
            long slowBefore = routed(gateway, slowAddress);
            long totalBefore = routed(gateway, null);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> loops = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    loops.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                            RemoteSynthesisTest.Collected done = new RemoteSynthesisTest.Collected();
                            remote.start(request(i), done, SynthesisObserver.NONE, false);
                            if (!"complete".equals(done.done.get(20, TimeUnit.SECONDS)) || done.pcm.size() == 0) {
                                failed.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : loops) {
                    f.get(40, TimeUnit.SECONDS);
                }
            } finally {
                clients.shutdownNow();
            }
            return new Run(policy, routed(gateway, slowAddress) - slowBefore, routed(gateway, null) - totalBefore,
                    failed.get());
        }
    }

    private static ParsedRequest request(int i) {
        return SIDES.getFirst().parser().parse(new SynthesisRequest("Request number " + i + " of the loop.",
                "paced:tone", null, AudioEncoding.PCM, 0, null));
    }

    /** Returns the requests the gateway routed to {@code address}, or to every worker when it is null. */
    private static long routed(Gateway gateway, String address) throws Exception {
        long n = 0;
        for (JsonNode w : JSON.readTree(gateway.status().get()).path("workers")) {
            if (address == null || w.path("address").asText().equals(address)) {
                n += w.path("routed").asLong();
            }
        }
        return n;
    }

    /** Waits until the gateway sees every worker up with the voice loaded (each worker warms it once). */
    private static void awaitResident(Gateway gateway) throws Exception {
        for (Synthesizer s : SIDES) {
            RemoteSynthesisTest.Collected warm = new RemoteSynthesisTest.Collected();
            s.start(request(-1), warm, SynthesisObserver.NONE, false).completion().get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode s = JSON.readTree(gateway.status().get());
            long ready = 0;
            for (JsonNode w : s.path("workers")) {
                ready += w.path("state").asText().equals("up") && w.path("resident").size() == 1
                        && w.path("load").path("backlog_known").asBoolean() ? 1 : 0;
            }
            if (ready == WORKERS.size()) {
                return;
            }
            assertThat(System.nanoTime()).as("waiting for every worker up with the voice loaded: %s", s)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

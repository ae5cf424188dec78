package dev.chorus.app;

import dev.chorus.loadgen.EngineComparison;
import dev.chorus.loadgen.FirstAudio;
import dev.chorus.loadgen.LoadGenerator;
import dev.chorus.loadgen.LoadResult;
import dev.chorus.loadgen.LoopbackHttp;
import dev.chorus.loadgen.Machine;
import dev.chorus.loadgen.NginxComparison;
import dev.chorus.loadgen.SpeechRequests;
import dev.chorus.loadgen.Texts;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.server.ChorusServer;
import dev.chorus.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code chorus bench}: loads a Chorus server over HTTP (one started in this process unless {@code --url} names
 * a running one) and prints requests/s, latency percentiles, time to first audio and errors by status, or runs
 * one of the comparisons; writes the figures as JSON with {@code --json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load a Chorus server over HTTP and report throughput, latency and time to first audio.",
        footer = {"", "Closed loop by default (--concurrency clients); --rate R sends R requests/s whatever the",
                "answers (open loop, at most --concurrency in flight; latencies count from each request's due time).",
                "--compare nginx: the server serving a sentence it made before, against nginx serving its bytes.",
                "--compare engine: uncached synthesis through the server against the engine in-process.",
                "--compare first-audio: first audio of a 2,000-character text against its first sentence alone.",
                "Without --url the server runs in this process on a free port with the serve settings",
                "(--config, CHORUS_* variables), so client and server share the machine; see docs/benchmarks.md."})
final class BenchCommand implements Callable<Integer> {

    /** What {@code --compare} can measure. */
    enum Comparison { nginx, engine, first_audio }

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "Server to load, e.g. http://127.0.0.1:8080 (loopback only; default: start one here).")
    String url;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Serve settings for the in-process server.")
    Path config;

    @Option(names = {"-v", "--voice"}, paramLabel = "VOICE", description = "Voice (default: the server's default).")
    String voice;

    @Option(names = "--text", paramLabel = "TEXT", description = "One text to speak (default: built-in sentences).")
    String text;

    @Option(names = "--texts", paramLabel = "FILE", description = "Texts to speak, one per line, in turn.")
    Path textsFile;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "wav",
            description = "response_format (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "2",
            description = "Clients in a closed loop; with --rate, the most requests in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Requests per second in an open loop (default 0: closed loop).")
    double rate;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
            description = "Measured seconds per run (default ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Unmeasured seconds before each run (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
            description = "Rounds (per side of a comparison); medians are reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--unique", description = "Make every request's text new (a take number), so no cache helps.")
    boolean unique;

    @Option(names = "--mix", description = "A mixed workload, what a soak runs: every format, SSE streams with and "
            + "without timings, another speed, and one request in ten closed by the client after its first audio "
            + "(--format is ignored).")
    boolean mix;

    @Option(names = "--compare", paramLabel = "WHAT", description = "nginx, engine or first_audio.")
    Comparison compare;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
    Path json;

    @Option(names = "--no-progress", description = "No progress bar (there is none unless stdout is a terminal).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        if (concurrency < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--concurrency: " + concurrency + " (expected: >= 1)");
        }
        if (rate < 0 || duration <= 0 || warmup < 0 || rounds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--rate, --duration, --warmup, --rounds: " + rate + ", " + duration + ", " + warmup + ", "
                            + rounds + " (expected: rate >= 0, duration > 0, warmup >= 0, rounds >= 1)");
        }
        if (mix && compare != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--mix and --compare: choose one (a comparison has its own workload)");
        }
        List<String> texts = textsFile != null ? Texts.read(textsFile) : text != null ? List.of(text)
                : Texts.SENTENCES;
        InProcess local = url == null ? InProcess.start(config) : null;
        try {
            URI base = LoopbackHttp.loopback(local != null ? "http://127.0.0.1:" + local.server.port() : url);
            URI speech = base.resolve("/v1/audio/speech");
            out.println(Machine.line(true));
            out.println("server: " + (local != null ? "in this process at " + base : base) + "; voice "
                    + (voice == null ? "(server default)" : voice) + ", format " + (mix ? "mixed" : format));
            HttpClient http = LoadGenerator.defaultClient();
            LoadGenerator generator = new LoadGenerator(http);
            LoadGenerator.Settings settings = new LoadGenerator.Settings("chorus", concurrency, rate,
                    seconds(duration), seconds(warmup), !noProgress && System.console() != null
                    && System.console().isTerminal());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("machine", Machine.describe(true));
            result.put("server", local != null ? "in-process" : base.toString());
            result.put("voice", voice);
            result.put("format", mix ? "mixed" : format);
            if (compare == null) {
                List<Object> runs = new java.util.ArrayList<>();
                List<LoadResult> results = new java.util.ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    LoadGenerator.Settings round = rounds == 1 ? settings
                            : settings.withLabel("chorus, round " + (r + 1));
                    LoadResult run = mix ? generator.runCalls(round, SpeechRequests.mixed(speech, voice, texts, unique))
                            : generator.run(round, SpeechRequests.of(speech, voice, format, texts, unique));
                    out.print(run.summary());
                    runs.add(run.json());
                    results.add(run);
                }
                result.put("runs", runs);
                if (rounds > 1) {
                    Map<String, Object> med = medians(results);
                    result.put("medians", med);
                    out.printf(Locale.ROOT, "medians of %d rounds: %.2f requests/s, latency p50=%.1f p99=%.1f"
                                    + " p99.9=%.1f ms, first audio p50=%.1f p99=%.1f ms%n", rounds,
                            med.get("requests_per_second"), med.get("p50_ms"), med.get("p99_ms"),
                            med.get("p999_ms"), med.get("first_audio_p50_ms"), med.get("first_audio_p99_ms"));
                }
            } else {
                switch (compare) {
                    case nginx -> result.put("compare_nginx", NginxComparison.run(generator, http, speech, voice,
                            texts.getFirst(), settings, rounds, out));
                    case engine -> {
                        Synthesizer synth = local != null ? local.synthesizer
                                : ServeSettings.load(config, System.getenv(), Map.of())
                                .synthesizer(Engines.forVoice(voice)).build();
                        try {
                            result.put("compare_engine", EngineComparison.run(generator, speech, synth, voice,
                                    format, texts, settings, rounds, out));
                        } finally {
                            if (local == null) {
                                synth.close();
                            }
                        }
                    }
                    case first_audio -> result.put("first_audio", FirstAudio.run(http, speech, voice, format,
                            rounds, out));
                }
            }
            if (local != null) {
                result.put("process_rss_kib", Machine.residentKib());
            }
            if (json != null) {
                Files.writeString(json, dev.chorus.loadgen.Json.write(result));
                out.println("wrote " + json);
            }
            return ExitCodes.OK;
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    /** Returns the medians over rounds of the figures a reader compares. */
    private static Map<String, Object> medians(List<LoadResult> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests_per_second", LoadGenerator.median(results.stream().map(LoadResult::requestsPerSecond)
                .toList()));
        m.put("p50_ms", LoadGenerator.median(results.stream().map(r -> r.latency().p50()).toList()));
        m.put("p99_ms", LoadGenerator.median(results.stream().map(r -> r.latency().p99()).toList()));
        m.put("p999_ms", LoadGenerator.median(results.stream().map(r -> r.latency().p999()).toList()));
        m.put("first_audio_p50_ms", LoadGenerator.median(results.stream().map(r -> r.firstAudio().p50()).toList()));
        m.put("first_audio_p99_ms", LoadGenerator.median(results.stream().map(r -> r.firstAudio().p99()).toList()));
        m.put("errors", results.stream().mapToLong(LoadResult::errorCount).sum());
        return m;
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }

    /** A server started in this process on a free loopback port with the serve settings. */
    private record InProcess(Synthesizer synthesizer, ChorusServer server) implements AutoCloseable {

        static InProcess start(Path config) throws IOException, InterruptedException {
            Map<String, String> env = System.getenv();
            Path file = config != null ? config
                    : env.containsKey("CHORUS_CONFIG") ? Path.of(env.get("CHORUS_CONFIG")) : null;
            ServeSettings settings = ServeSettings.load(file, env, Map.of("server.host", "127.0.0.1",
                    "server.port", "0", "logging.access-log", "false"));
            Logging.apply(settings.logFormat(), settings.accessLog());
            ServerConfig serverConfig = settings.serverConfig();
            Synthesizer synthesizer = settings.synthesizer(settings.registry().build()).build();
            try {
                ChorusServer server = ChorusServer.create(synthesizer, serverConfig).start();
                try {
                    server.whenReady().get(5, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    server.stop();
                    throw new IOException("the in-process server did not become ready: " + e.getMessage(), e);
                }
                return new InProcess(synthesizer, server);
            } catch (RuntimeException | IOException e) {
                synthesizer.close();
                throw e;
            }
        }

        @Override
        public void close() {
            server.stop();
            synthesizer.close();
        }
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}

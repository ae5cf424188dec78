package dev.chorus.loadgen;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long {@code chorus serve} takes from process launch to its port answering and to {@code /readyz}
 * answering 200, over several launches on a free loopback port.
 *
 * <p>Run, after packaging chorus-app (its {@code target/lib} holds this module and what it needs):
 * {@code java -cp "chorus-app/target/lib/*" dev.chorus.loadgen.ServerStartup --jar chorus-app/target/chorus-app.jar
 * --runs 3}; extra environment for the server (e.g. {@code CHORUS_ENGINES=espeak}) is passed through.
 */
public final class ServerStartup {

    private ServerStartup() {
    }

    /** Launches the server {@code --runs} times and prints the medians. */
    public static void main(String[] argv) throws Exception {
        Map<String, String> a = LoopbackHttp.args(argv);
        Path jar = Path.of(a.getOrDefault("jar", "chorus-app/target/chorus-app.jar"));
        int runs = Integer.parseInt(a.getOrDefault("runs", "3"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Double> listening = new ArrayList<>();
        List<Double> ready = new ArrayList<>();
        HttpClient http = LoadGenerator.defaultClient();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString(), "serve", "--host", "127.0.0.1",
                    "--port", "0").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                CompletableFuture<Integer> port = new CompletableFuture<>();
                Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                            StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = err.readLine()) != null) {
                            int at = line.indexOf("http://127.0.0.1:");
                            if (at >= 0) {
                                port.complete(Integer.parseInt(line.substring(at + 17).split("\\D")[0]));
                            }
                        }
                    } catch (Exception e) {
                        port.completeExceptionally(e);
                    }
                    port.completeExceptionally(new IllegalStateException("server ended before listening"));
                });
                int n = port.get(120, TimeUnit.SECONDS);
                listening.add((System.nanoTime() - t0) / 1e6);
                HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n + "/readyz")).build();
                while (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    Thread.sleep(20);
                }
                ready.add((System.nanoTime() - t0) / 1e6);
            } finally {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
        }
        System.out.printf(Locale.ROOT, "runs=%d | launch to listening ms p50=%.0f | launch to ready ms p50=%.0f"
                        + " (all: %s)%n", runs, LoadGenerator.median(listening),
                LoadGenerator.median(ready), ready.stream().map(d -> String.format(Locale.ROOT, "%.0f", d))
                        .toList());
    }
}

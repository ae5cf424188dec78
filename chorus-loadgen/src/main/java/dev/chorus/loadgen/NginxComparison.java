package dev.chorus.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Serving a one-sentence WAV that the server has already made (asked for twice first, so a server with an audio
 * cache answers from it) against nginx serving the same bytes as a static file, at the same concurrency, in
 * alternating rounds. nginx runs from a configuration generated in a temporary directory (its pid, logs and
 * temporary files there too) on a free loopback port, and is stopped afterwards. Without a cache the server
 * synthesizes every request, and the ratio says so.
 */
public final class NginxComparison {

    private NginxComparison() {
    }

    /** Runs the comparison and prints both rates and their ratio; returns them for the JSON result. */
    public static Map<String, Object> run(LoadGenerator generator, HttpClient http, URI speechUrl, String voice,
                                          String text, LoadGenerator.Settings settings, int rounds, PrintStream out)
            throws IOException, InterruptedException {
        HttpRequest speech = SpeechRequests.post(speechUrl, voice, "wav", text);
        byte[] wav = null;
        List<Double> repeatMillis = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(speech, HttpResponse.BodyHandlers.ofByteArray());
            repeatMillis.add((System.nanoTime() - t0) / 1e6);
            if (r.statusCode() != 200) {
                throw new IOException(speechUrl + " answered " + r.statusCode() + " to the sentence to serve");
            }
            wav = r.body();
        }
        Path dir = Files.createTempDirectory("chorus-bench-nginx");
        Process nginx = null;
        try {
            Path www = Files.createDirectories(dir.resolve("www"));
            Files.write(www.resolve("speech.wav"), wav);
            int port = freePort();
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, config(dir, port));
            // nginx workers may run as another user: let them read the directory.
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.toList()) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            nginx = new ProcessBuilder(nginxProgram(), "-p", dir.toString(), "-c", conf.toString(), "-e",
                    dir.resolve("error.log").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile()).start();
            URI file = URI.create("http://127.0.0.1:" + port + "/speech.wav");
            awaitUp(http, file, nginx, dir);
            HttpRequest get = HttpRequest.newBuilder(file).timeout(Duration.ofMinutes(1)).GET().build();
            List<Double> chorusRps = new ArrayList<>();
            List<Double> nginxRps = new ArrayList<>();
            List<Object> runs = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                LoadResult c = generator.run(settings.withLabel("chorus, same sentence, round " + (r + 1)),
                        i -> speech);
                LoadResult n = generator.run(settings.withLabel("nginx, same bytes, round " + (r + 1)), i -> get);
                out.print(c.summary());
                out.print(n.summary());
                chorusRps.add(c.requestsPerSecond());
                nginxRps.add(n.requestsPerSecond());
                runs.add(c.json());
                runs.add(n.json());
            }
            double c = LoadGenerator.median(chorusRps);
            double n = LoadGenerator.median(nginxRps);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("wav_bytes", wav.length);
            m.put("first_request_ms", repeatMillis.get(0));
            m.put("repeat_request_ms", repeatMillis.get(1));
            m.put("chorus_requests_per_second", c);
            m.put("nginx_requests_per_second", n);
            m.put("chorus_to_nginx_ratio", c / n);
            m.put("runs", runs);
            out.printf(Locale.ROOT, "chorus vs nginx (%d-byte WAV, medians of %d rounds): chorus %.1f requests/s,"
                            + " nginx %.1f requests/s, ratio %.2f (first request %.1f ms, the repeat %.1f ms)%n",
                    wav.length, rounds, c, n, c / n, repeatMillis.get(0), repeatMillis.get(1));
            return m;
        } finally {
            if (nginx != null) {
                nginx.destroy();
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                    nginx.destroyForcibly();
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Returns an nginx configuration that keeps every file it writes under {@code dir}. */
    static String config(Path dir, int port) {
        return """
                worker_processes auto;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    default_type audio/wav;
                    sendfile on;
                    keepalive_requests 100000;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                    }
                }
                """.formatted(dir, port);
    }

    private static String nginxProgram() {
        for (String p : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return "nginx";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitUp(HttpClient http, URI file, Process nginx, Path dir)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!nginx.isAlive()) {
                throw new IOException("nginx stopped at start: " + Files.readString(dir.resolve("nginx.out"))
                        + readIfExists(dir.resolve("error.log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(file).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new IOException("nginx did not answer " + file + " within 10 s");
    }

    private static String readIfExists(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }
}

package dev.chorus.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code chorus serve --role worker} process: the packaged program (chorus-app's jar and lib/), as the image
 * runs it, with its stderr kept for failure messages and the ports and readiness it prints.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Pattern HTTP = Pattern.compile("chorus: listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern READY = Pattern.compile("chorus: ready after");

    private final Process process;
    private final StringBuffer stderr = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private WorkerProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(this::read);
    }

    /** Starts a worker with this configuration file in {@code dir}. */
    static WorkerProcess start(Path dir, Path config) throws IOException {
        String jar = System.getProperty("chorus.app.jar");
        if (jar == null || !Path.of(jar).toFile().isFile()) {
            throw new AssertionError("the packaged program is missing (" + jar + "): build with -pl chorus-deploy-test -am");
        }
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("chorus.java", "java"), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", jar, "serve", "--config", config.toString(),
                "--role", "worker"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CHORUS_LOG_FORMAT", "text");
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        return new WorkerProcess(pb.start());
    }

    private void read() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                stderr.append(line).append('\n');
                Matcher h = HTTP.matcher(line);
                if (h.find()) {
                    port.complete(Integer.parseInt(h.group(1)));
                }
                if (READY.matcher(line).find()) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        AssertionError ended = new AssertionError("worker ended: " + stderr);
        port.completeExceptionally(ended);
        ready.completeExceptionally(ended);
    }

    /** Returns the HTTP port once the worker is ready (its default voice loaded and spoken once). */
    int readyPort() throws Exception {
        try {
            ready.get(120, TimeUnit.SECONDS);
            return port.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("worker not ready within 120 s:\n" + stderr, e);
        }
    }

    String log() {
        return stderr.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

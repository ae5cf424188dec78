package dev.chorus.app.cluster;

import java.io.BufferedReader;
import java.io.File;
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
 * One {@code chorus serve} process of a test cluster: the packaged program plus the test engine on its class path,
 * its stderr kept for failure messages, and the ports it prints.
 */
final class ChorusProcess {

    private static final Pattern HTTP = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern WORKER = Pattern.compile("worker API listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final StringBuffer stderr = new StringBuffer();
    private final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
    private final CompletableFuture<Integer> workerPort = new CompletableFuture<>();
    private final Thread reader;

    private ChorusProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().start(this::read);
    }

    /** Starts {@code chorus serve} with {@code args}, the packaged jar and {@code extraClassPath} on the class path. */
    static ChorusProcess start(Path dir, List<String> extraClassPath, List<String> args) throws IOException {
        String jar = System.getProperty("chorus.app.jar");
        String javaBin = System.getProperty("chorus.java", "java");
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", String.join(File.pathSeparator, prepend(jar, extraClassPath)),
                "dev.chorus.app.Main", "serve"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CHORUS_LOG_FORMAT", "text");
        return new ChorusProcess(pb.start());
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private void read() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                stderr.append(line).append('\n');
                Matcher w = WORKER.matcher(line);
                if (w.find()) {
                    workerPort.complete(Integer.parseInt(w.group(1)));
                    continue;
                }
                Matcher h = HTTP.matcher(line);
                if (h.find()) {
                    httpPort.complete(Integer.parseInt(h.group(1)));
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        AssertionError ended = new AssertionError("process ended: " + stderr);
        httpPort.completeExceptionally(ended);
        workerPort.completeExceptionally(ended);
    }

    int httpPort() throws Exception {
        return httpPort.get(90, TimeUnit.SECONDS);
    }

    int workerPort() throws Exception {
        return workerPort.get(90, TimeUnit.SECONDS);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        return stderr.toString();
    }

    /** Sends a signal (TERM, KILL, STOP, CONT) with kill(1), as an operator or an orchestrator would. */
    void signal(String name) throws Exception {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start().waitFor();
        if (rc != 0 && process.isAlive()) {
            throw new AssertionError("kill -" + name + " " + pid() + " failed: " + rc);
        }
    }

    boolean waitFor(long seconds) throws InterruptedException {
        boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
        if (ended) {
            reader.join(2_000);
        }
        return ended;
    }

    void destroy() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

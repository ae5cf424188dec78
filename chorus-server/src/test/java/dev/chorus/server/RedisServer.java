package dev.chorus.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;


/**
 * A real {@code redis-server} for a test: on a free loopback port, in a temporary directory, with no
 * configuration file and no persistence; stopped by {@link #close()}, or stopped and started again on the same
 * port ({@link #stop()}, {@link #restart()}) to play an outage. Tests skip, saying so, only when the program is not
 * installed (scripts/install-test-deps.sh installs it). Public for the tenant package's store tests.
 */
public final class RedisServer implements AutoCloseable {

    private Process process;
    private final int port;
    private final String program;
    private final Path dir;

    private RedisServer(Process process, int port, String program, Path dir) {
        this.process = process;
        this.port = port;
        this.program = program;
        this.dir = dir;
    }

    /** Starts one, or fails the calling test when redis-server is missing. */
    public static RedisServer start(Path dir) throws Exception {
        String program = findProgram();
        if (program == null) {
            throw new AssertionError("redis-server is not installed (scripts/install-test-deps.sh installs it)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(launch(program, port, dir), port, program, dir);
        r.awaitPort();
        return r;
    }

    private static Process launch(String program, int port, Path dir) throws IOException {
        return new ProcessBuilder(program, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("redis.log").toFile())).start();
    }

    /** Stops the server (its data is gone), as an outage would. */
    public void stop() throws InterruptedException {
        close();
    }

    /** Starts the server again on the same port, empty, and waits until it accepts connections. */
    public void restart() throws Exception {
        process = launch(program, port, dir);
        awaitPort();
    }

    private void awaitPort() throws Exception {
        Process p = process;
        RedisServer r = this;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    r.close();
                    throw new IllegalStateException("redis-server did not start: "
                            + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    private static String findProgram() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(d, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : null;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

package dev.chorus.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** Runs the Node.js client scripts under src/test: finds the programs, installs packages, runs a script. */
final class NodeScripts {

    private NodeScripts() {
    }

    /** What a script printed (standard output and error together) and its exit code. */
    record Result(int exitCode, String output) {
    }

    /** Returns the path of {@code name} on the PATH, failing the test with how to install it when it is missing. */
    static String program(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(name + " is not installed: run scripts/install-test-deps.sh (Debian: nodejs, npm)");
    }

    /** Installs {@code dir}'s locked packages with {@code npm ci} unless {@code marker} is already installed. */
    static void npmCi(Path dir, String marker) throws Exception {
        if (Files.isRegularFile(dir.resolve("node_modules").resolve(marker).resolve("package.json"))) {
            return;
        }
        Result r = run(List.of(program("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"), dir, Map.of(),
                300);
        if (r.exitCode() != 0) {
            fail("npm ci in " + dir + " failed (exit " + r.exitCode() + "); the npm registry must be reachable "
                    + "once:\n" + r.output());
        }
    }

    /**
     * Runs a command in {@code dir} with extra environment, its output in a file (it must not share this JVM's
     * standard streams, which the test runner uses), killing it after {@code timeoutSeconds}.
     */
    static Result run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(Files.createDirectories(Path.of("target").toAbsolutePath()), "node-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}

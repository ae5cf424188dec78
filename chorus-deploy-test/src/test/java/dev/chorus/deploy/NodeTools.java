package dev.chorus.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node.js checks in {@code src/test/validate}: the manifest validator (kubernetes-models and its CRD
 * packages, plus TypeScript for unknown fields) and the Dockerfile linter (dockerfile-utils). The packages are
 * pinned by the committed package-lock.json and installed with {@code npm ci} when missing; a missing Node.js fails
 * the test with what to install.
 */
final class NodeTools {

    static final Path DIR = Path.of("src", "test", "validate").toAbsolutePath();

    /** What a script printed and how it ended. */
    record Result(int exitCode, String output) {
    }

    private NodeTools() {
    }

    /** Runs {@code node SCRIPT ARGS...} in the validate folder, after {@code npm ci} when needed. */
    static synchronized Result node(String script, String... args) throws IOException, InterruptedException {
        ensurePackages();
        List<String> cmd = new ArrayList<>(List.of(program("node"), script));
        cmd.addAll(List.of(args));
        return run(cmd, 120);
    }

    private static void ensurePackages() throws IOException, InterruptedException {
        if (Files.isRegularFile(DIR.resolve("node_modules/.package-lock.json"))
                && Files.isRegularFile(DIR.resolve("node_modules/kubernetes-models/package.json"))
                && Files.isRegularFile(DIR.resolve("node_modules/typescript/package.json"))
                && Files.isRegularFile(DIR.resolve("node_modules/dockerfile-utils/package.json"))) {
            return;
        }
        Result r = run(List.of(program("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        if (r.exitCode() != 0) {
            throw new AssertionError("npm ci failed in " + DIR + " (exit " + r.exitCode() + "):\n" + r.output());
        }
    }

    private static String program(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " is not installed: install Node.js 18 or later (Debian: nodejs, npm; "
                + "scripts/install-test-deps.sh)");
    }

    /**
     * Runs a command with its output in a file: it must not share this JVM's standard streams, which the test
     * runner talks over (npm would make them non-blocking).
     */
    private static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(Repo.target(), "node-", ".log");
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.delete(log);
        return new Result(p.exitValue(), output);
    }
}

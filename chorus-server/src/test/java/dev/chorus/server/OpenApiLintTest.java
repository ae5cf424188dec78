package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lints the OpenAPI document a real server publishes with Redocly's recommended rules ({@code redocly lint}, from
 * {@code src/test/openapi}, installed with {@code npm ci}): no error and no warning.
 */
class OpenApiLintTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new CountingEngineProvider()),
            r -> r.defaultVoice("counting:tone"), s -> s, c -> c.warmUp(false));

    private static final Path LINT_DIR = Path.of("src", "test", "openapi").toAbsolutePath();

    @Test
    void theLiveDocumentPassesRedoclysRecommendedRules() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        Path doc = target.resolve("openapi.json");
        Files.write(doc, r.body());

        String npm = program("npm");
        if (!Files.isRegularFile(LINT_DIR.resolve("node_modules/@redocly/cli/package.json"))) {
            Result ci = run(List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
            assertThat(ci.exit()).as("npm ci in %s:%n%s", LINT_DIR, ci.output()).isZero();
        }
        Result lint = run(List.of(program("node"), "node_modules/@redocly/cli/bin/cli.js", "lint",
                "--extends=recommended", "--format=stylish", "--max-problems=200", doc.toString()), 120);
        assertThat(lint.exit()).as("redocly lint:%n%s", lint.output()).isZero();
        assertThat(lint.output()).as("redocly lint").contains("Your API description is valid")
                .doesNotContainPattern("\\d+:\\d+\\s+(warning|error)\\s");
    }

    record Result(int exit, String output) {
    }

    /** Runs a command in the lint folder, its output in a file (not this JVM's streams, which the runner uses). */
    private static Result run(List<String> command, long timeoutSeconds) throws Exception {
        Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "openapi-lint", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(LINT_DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("REDOCLY_TELEMETRY", "off");
        pb.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + timeoutSeconds + " s:\n"
                    + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static String program(String name) {
        List<String> tried = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            tried.add(candidate.toString());
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " is not installed (Debian: apt-get install nodejs npm; "
                + "scripts/install-test-deps.sh installs them); looked in " + tried);
    }
}

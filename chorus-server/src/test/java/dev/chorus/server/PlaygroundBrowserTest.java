package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web playground in a real browser: {@code src/test/browser/playground.test.mjs} drives Debian's headless
 * Chromium through playwright-core against a real server. Chromium is installed when missing (through
 * {@code scripts/install-test-deps.sh}) and playwright-core with {@code npm ci}; the test is skipped, loudly, only
 * when one of them cannot be installed. Screenshots go to {@code target/playground.png} and
 * {@code target/playground-phone.png}.
 */
class PlaygroundBrowserTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    private static final Path BROWSER_DIR = Path.of("src", "test", "browser");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHORUS_CHROMIUM", "/usr/bin/chromium"));

    @Test
    void pageAndAssetsAreServedFromTheJar() throws Exception {
        HttpResponse<byte[]> page = Http.get(SERVER, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(
                v -> assertThat(v).contains("default-src 'self'"));
        assertThat(page.headers().firstValue("cache-control")).isPresent();
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertThat(html).contains("/playground/app.js", "/playground/style.css").doesNotContain("https://", "http://");
        for (String asset : List.of("/playground/app.js", "/playground/style.css")) {
            HttpResponse<byte[]> r = Http.get(SERVER, asset);
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).as(asset).hasValueSatisfying(
                    v -> assertThat(v).containsAnyOf("javascript", "text/css"));
            assertThat(r.headers().firstValue("etag")).as(asset).isPresent();
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(asset).doesNotContain("https://");
        }
        assertThat(Http.get(SERVER, "/playground/missing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void playgroundWorksInHeadlessChromium() throws Exception {
        String node = requireProgram("node");
        String npm = requireProgram("npm");
        ensureChromium();
        ensurePlaywright(npm);

        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path log = target.resolve("playground-browser-test.log");
        ProcessBuilder pb = new ProcessBuilder(node, "playground.test.mjs")
                .directory(BROWSER_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("CHORUS_URL", SERVER.uri("/").toString());
        env.put("CHROMIUM", CHROMIUM.toString());
        env.put("SCREENSHOT_DIR", target.toString());
        env.put("ESPEAK", SERVER.synthesizer().registry().engines().containsKey("espeak") ? "1" : "0");
        Process p = pb.start();
        boolean ended = p.waitFor(150, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertThat(ended).as("the browser test ended within 150 s:\n" + output).isTrue();
        assertThat(p.exitValue()).as("browser test output:\n" + output).isZero();
        assertThat(target.resolve("playground.png")).isNotEmptyFile();
    }

    private static String requireProgram(String name) throws Exception {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        cannotRun(name + " is not installed; install Node.js (Debian: nodejs, npm) to run the playground browser test");
        return null;
    }

    private static void ensureChromium() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            Path script = Path.of("..", "scripts", "install-test-deps.sh");
            if (Files.isExecutable(script)) {
                run(List.of(script.toString()), Path.of("."), 600);
            }
        }
        if (!Files.isExecutable(CHROMIUM)) {
            cannotRun("Chromium could not be installed at " + CHROMIUM + " (apt-get install chromium)");
        }
    }

    private static void ensurePlaywright(String npm) throws Exception {
        if (Files.isRegularFile(BROWSER_DIR.resolve("node_modules/playwright-core/package.json"))) {
            return;
        }
        int rc = run(List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"), BROWSER_DIR, 300);
        if (rc != 0 || !Files.isRegularFile(BROWSER_DIR.resolve("node_modules/playwright-core/package.json"))) {
            cannotRun("playwright-core could not be installed with npm ci in " + BROWSER_DIR + " (exit " + rc + ")");
        }
    }

    /**
     * Runs a setup command with its output in target/playground-setup.log. It must not share this JVM's standard
     * streams: the test runner talks to this JVM over them, and npm would write there and make them non-blocking.
     */
    private static int run(List<String> command, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createDirectories(Path.of("target").toAbsolutePath()).resolve("playground-setup.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static void cannotRun(String why) {
        throw new AssertionError("the playground browser test could not run: " + why
                + " (scripts/install-test-deps.sh installs chromium, node and npm)");
    }
}

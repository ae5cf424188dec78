package dev.chorus.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;


/**
 * Runs an installed command-line program (ffmpeg, ffprobe, sox, opusinfo, opusdec, mpg123, flac, ...) and captures
 * what it prints. A missing program skips the calling test, saying which Debian package has it.
 */
public final class ExternalProgram {

    /** What a finished program printed. */
    public record Result(int exitCode, byte[] stdout, String stderr) {

        /** Returns standard output as UTF-8 text. */
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Returns standard output and error together, for programs that report on either. */
        public String all() {
            return text() + stderr;
        }
    }

    /** Debian packages of the programs whose package name differs from the program's. */
    private static final Map<String, String> PACKAGES = Map.of("ffprobe", "ffmpeg", "opusinfo", "opus-tools",
            "opusdec", "opus-tools", "opusenc", "opus-tools", "espeak-ng", "espeak-ng", "promtool", "prometheus");

    private final Path executable;

    private ExternalProgram(Path executable) {
        this.executable = executable;
    }

    /** Returns the program named {@code name} from the PATH, or skips the calling test saying how to install it. */
    public static ExternalProgram require(String name) {
        return require(name, PACKAGES.getOrDefault(name, name));
    }

    /**
     * Returns the program named {@code name} from the PATH, or fails the calling test saying it is missing and
     * which Debian package has it (scripts/install-test-deps.sh installs them all).
     */
    public static ExternalProgram require(String name, String debianPackage) {
        Optional<Path> found = find(name);
        if (found.isEmpty()) {
            throw new AssertionError(name + " is not installed (not on PATH), and a check needs it: run"
                    + " scripts/install-test-deps.sh (apt-get install " + debianPackage + ")");
        }
        return new ExternalProgram(found.orElseThrow());
    }

    /** Returns whether a program named {@code name} is on the PATH. */
    public static boolean installed(String name) {
        return find(name).isPresent();
    }

    private static Optional<Path> find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Returns where the program is. */
    public Path path() {
        return executable;
    }

    /** Runs the program with {@code args}, feeding it {@code stdin}, and waits up to 60 seconds. */
    public Result run(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        // Own threads, not a shared pool: each blocks until the program ends, and a busy pool would deadlock.
        CompletableFuture<String> stderr = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> stderr.complete(drain(process.getErrorStream())));
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The program may exit without reading its input; its exit code and output tell the story.
            }
        });
        byte[] stdout = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(command + " did not finish in 60 s");
        }
        feeder.join();
        return new Result(process.exitValue(), stdout, stderr.join());
    }

    /** Runs the program with {@code args} and no input. */
    public Result run(String... args) throws IOException, InterruptedException {
        return run(new byte[0], args);
    }

    /**
     * Writes {@code bytes} to a temporary file named with {@code suffix}, runs the program with
     * {@code argsBeforeFile} then the file's path, and deletes the file.
     */
    public Result runOnFile(byte[] bytes, String suffix, String... argsBeforeFile)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile("chorus-test", suffix);
        try {
            Files.write(file, bytes);
            List<String> args = new ArrayList<>(List.of(argsBeforeFile));
            args.add(file.toString());
            return run(new byte[0], args.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String drain(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }
}

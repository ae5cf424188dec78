package dev.chorus.audio;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs an installed command-line program (ffmpeg, sox) and captures what it prints. */
final class ExternalProgram {

    /** What a finished program printed. */
    record Result(int exitCode, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private final Path executable;

    private ExternalProgram(Path executable) {
        this.executable = executable;
    }

    /** Returns the program named {@code name} from the PATH, or skips the calling test saying it is missing. */
    static ExternalProgram require(String name) {
        return require(name, switch (name) {
            case "ffprobe" -> "ffmpeg";
            case "opusinfo", "opusdec" -> "opus-tools";
            default -> name;
        });
    }

    /**
     * Returns the program named {@code name} from the PATH, or skips the calling test saying it is missing and
     * which Debian package has it.
     */
    static ExternalProgram require(String name, String debianPackage) {
        Optional<Path> found = find(name);
        assumeTrue(found.isPresent(), name + " is not installed (not on PATH): skipping the check that it decodes"
                + " our output; install it (apt-get install " + debianPackage + ") to run it");
        return new ExternalProgram(found.orElseThrow());
    }

    /** Returns whether a program named {@code name} is on the PATH. */
    static boolean installed(String name) {
        return find(name).isPresent();
    }

    private static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs the program with {@code args}, feeding it {@code stdin}, and waits up to 60 seconds. */
    Result run(byte[] stdin, String... args) throws IOException, InterruptedException {
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
                // The program may exit without reading its input; its exit code tells the story.
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
    Result run(String... args) throws IOException, InterruptedException {
        return run(new byte[0], args);
    }

    private static String drain(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }
}

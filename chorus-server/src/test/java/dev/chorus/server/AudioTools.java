package dev.chorus.server;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the installed audio programs a client would use on the server's output (ffmpeg, ffprobe, opusinfo, opusdec,
 * mpg123, flac) and turns raw 16-bit audio into samples. A missing program skips the calling test, saying which
 * Debian package has it.
 */
final class AudioTools {

    /** What a finished program printed. */
    record Result(int exitCode, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Standard output and error together, for programs that report on either. */
        String all() {
            return text() + stderr;
        }
    }

    private static final Map<String, String> PACKAGES = Map.of("ffmpeg", "ffmpeg", "ffprobe", "ffmpeg",
            "opusinfo", "opus-tools", "opusdec", "opus-tools", "mpg123", "mpg123", "flac", "flac");

    private AudioTools() {
    }

    /** Returns the path of {@code name} on the PATH, or skips the calling test saying how to install it. */
    static Path require(String name) {
        Optional<Path> found = find(name);
        assumeTrue(found.isPresent(), name + " is not installed (not on PATH): skipping a check that needs it;"
                + " install it with apt-get install " + PACKAGES.getOrDefault(name, name));
        return found.orElseThrow();
    }

    /** Returns whether {@code name} is on the PATH. */
    static boolean installed(String name) {
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

    /** Runs {@code name} with {@code args}, feeding it {@code stdin}, and waits up to 60 seconds. */
    static Result run(String name, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(require(name).toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> stderr = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> stderr.complete(drain(process.getErrorStream())));
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The program may stop reading early; its exit code and output tell what happened.
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

    /** Writes {@code bytes} to a temporary file with {@code suffix}, runs {@code name} on it, and deletes it. */
    static Result runOnFile(String name, byte[] bytes, String suffix, String... argsBeforeFile)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile("chorus-formats", suffix);
        try {
            Files.write(file, bytes);
            List<String> args = new ArrayList<>(List.of(argsBeforeFile));
            args.add(file.toString());
            return run(name, new byte[0], args.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Decodes {@code bytes} with ffmpeg from a pipe to mono 16-bit samples at {@code rate}. {@code inputOptions}
     * describe the input (such as {@code -f mulaw -ar 8000 -ac 1} for headerless audio). Returns ffmpeg's result,
     * its standard output being the samples as little-endian bytes.
     */
    static Result ffmpegDecode(byte[] bytes, int rate, String... inputOptions)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-nostdin", "-v", "error"));
        args.addAll(List.of(inputOptions));
        args.addAll(List.of("-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", String.valueOf(rate), "pipe:1"));
        return run("ffmpeg", bytes, args.toArray(String[]::new));
    }

    /** Like {@link #ffmpegDecode}, failing the test unless ffmpeg succeeds without a word on its error output. */
    static short[] decodeCleanly(byte[] bytes, int rate, String what, String... inputOptions)
            throws IOException, InterruptedException {
        Result r = ffmpegDecode(bytes, rate, inputOptions);
        assertThat(r.exitCode()).as("ffmpeg exit code decoding %s: %s", what, r.stderr()).isZero();
        assertThat(r.stderr()).as("ffmpeg errors decoding %s", what).isBlank();
        return samples(r.stdout());
    }

    /**
     * Returns ffprobe's {@code codec_name} and {@code sample_rate} of the first stream, such as
     * {@code ["mp3", "24000"]}.
     */
    static List<String> probeCodecAndRate(byte[] bytes, String suffix, String... inputOptions)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-v", "error"));
        args.addAll(List.of(inputOptions));
        args.addAll(List.of("-select_streams", "a:0", "-show_entries", "stream=codec_name,sample_rate",
                "-of", "default=nw=1:nk=1"));
        Result r = runOnFile("ffprobe", bytes, suffix, args.toArray(String[]::new));
        assertThat(r.exitCode()).as("ffprobe on %s: %s", suffix, r.stderr()).isZero();
        return r.text().lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Returns little-endian 16-bit samples from {@code bytes} (an odd last byte is dropped). */
    static short[] samples(byte[] bytes) {
        short[] out = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    private static String drain(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }
}

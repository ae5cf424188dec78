package dev.chorus.audio.internal.aac;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds out, once per program path, whether an ffmpeg program runs and has the {@code aac} encoder, by running
 * {@code ffmpeg -hide_banner -encoders} with a time limit. Results, good or bad, are kept for the life of the
 * JVM; a program installed later is seen after a restart.
 */
public final class FfmpegProbe {

    /** The default program: {@code ffmpeg} looked up on the PATH. */
    public static final String DEFAULT_PROGRAM = "ffmpeg";

    private static final long TIMEOUT_SECONDS = 10;
    private static final Map<String, CompletableFuture<Optional<String>>> RESULTS = new ConcurrentHashMap<>();

    private FfmpegProbe() {
    }

    /**
     * Returns why AAC cannot be encoded with {@code program}, or empty if it can. Runs the program the first time
     * it is asked about, blocking up to 10 seconds; concurrent callers wait for the same run.
     */
    public static Optional<String> aacUnavailableReason(String program) {
        CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<String>> result = RESULTS.putIfAbsent(program, mine);
        if (result == null) {
            mine.complete(probe(program));
            result = mine;
        }
        return result.join();
    }

    private static Optional<String> probe(String program) {
        Process process;
        try {
            process = new ProcessBuilder(program, "-hide_banner", "-encoders").redirectErrorStream(true).start();
        } catch (IOException e) {
            return Optional.of(DEFAULT_PROGRAM.equals(program)
                    ? "aac needs the ffmpeg program (install the Debian package ffmpeg), which was not found"
                    : "aac needs the ffmpeg program, which was not found at " + program
                            + " (install the Debian package ffmpeg, or configure its path)");
        }
        CompletableFuture<String> output = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("chorus-ffmpeg-probe").start(
                () -> output.complete(readAll(process.getInputStream())));
        String check = "'" + program + " -encoders'";
        try {
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("aac needs the ffmpeg program, but " + check + " did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            String text = output.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                return Optional.of("aac needs the ffmpeg program, but " + check + " failed (exit "
                        + process.exitValue() + (text.isBlank() ? "" : ": " + firstLine(text)) + ")");
            }
            return hasEncoder(text, "aac") ? Optional.empty()
                    : Optional.of("aac needs the ffmpeg program with its aac encoder, which " + check
                            + " does not list");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return Optional.of("aac needs the ffmpeg program, but " + check + " was interrupted");
        } catch (Exception e) {
            process.destroyForcibly();
            return Optional.of("aac needs the ffmpeg program, but " + check + " could not be run: "
                    + e.getMessage());
        }
    }

    /** Returns whether an {@code ffmpeg -encoders} listing has the encoder {@code name}. */
    static boolean hasEncoder(String listing, String name) {
        for (String line : listing.split("\\R")) {
            List<String> fields = List.of(line.trim().split("\\s+"));
            if (fields.size() >= 2 && fields.get(0).length() == 6 && fields.get(1).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int end = t.indexOf('\n');
        return end < 0 ? t : t.substring(0, end).strip();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

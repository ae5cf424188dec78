package dev.chorus.app;

import dev.chorus.tts.ChorusException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Turns exceptions into one clear line on stderr and an exit status; no stack traces for user errors. */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        var err = cli.getErr();
        switch (e) {
            case ChorusException c -> {
                err.println("chorus: " + c.getMessage());
                return ExitCodes.of(c);
            }
            case UncheckedIOException io -> {
                err.println("chorus: " + describe(io.getCause()));
                return ExitCodes.IO_ERROR;
            }
            case IOException io -> {
                err.println("chorus: " + describe(io));
                return ExitCodes.IO_ERROR;
            }
            default -> {
                err.println("chorus: unexpected error: " + e);
                e.printStackTrace(err);
                return ExitCodes.FAILED;
            }
        }
    }

    static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> "no such file: " + n.getFile();
            case java.nio.file.AccessDeniedException a -> "permission denied: " + a.getFile();
            default -> e.getMessage() == null ? e.toString() : e.getMessage();
        };
    }
}

package dev.chorus.app;

import dev.chorus.text.Lexicon;
import dev.chorus.tts.InvalidInputException;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Loads lexicon files named on the command line or in the configuration, with errors that name the file. */
final class Lexicons {

    private Lexicons() {
    }

    /**
     * Reads a YAML ({@code .yaml}, {@code .yml}) or W3C PLS ({@code .pls}, {@code .xml}) lexicon.
     *
     * @throws InvalidInputException if the file is missing or malformed
     */
    static Lexicon load(Path file) {
        try {
            return Lexicon.load(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("lexicon", "lexicon: " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidInputException("lexicon", "lexicon: " + file + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("lexicon", e.getMessage());
        }
    }
}

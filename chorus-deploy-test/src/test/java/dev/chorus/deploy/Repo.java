package dev.chorus.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository these tests check: the root, the chart and the Dockerfile. */
final class Repo {

    private Repo() {
    }

    /** Returns the repository's root (the build sets {@code chorus.root}; otherwise the module's parent). */
    static Path root() {
        Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("Dockerfile"))) {
            throw new AssertionError("no Dockerfile in " + root + " (set -Dchorus.root to the repository)");
        }
        return root;
    }

    /** Returns the Helm chart's folder. */
    static Path chart() {
        return root().resolve("deploy/helm/chorus");
    }

    /** Returns this module's {@code target} folder, created when missing. */
    static Path target() throws java.io.IOException {
        return Files.createDirectories(Path.of("target").toAbsolutePath());
    }
}

package dev.chorus.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image recipe: linted by dockerfile-utils (the Dockerfile language server's validator), and its instructions
 * checked against the files they copy and the program the build makes (no Docker daemon needed).
 */
class DockerfileTest {

    private static final Path ROOT = Repo.root();
    private static List<String[]> instructions;

    @BeforeAll
    static void parse() throws IOException {
        instructions = instructions(Files.readString(ROOT.resolve("Dockerfile")));
    }

    @Test
    void passesTheLinter() throws Exception {
        NodeTools.Result r = NodeTools.node("lint-dockerfile.mjs", ROOT.resolve("Dockerfile").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("0 problem(s)");
        // The linter does find problems when there are some.
        Path bad = Repo.target().resolve("bad.Dockerfile");
        Files.writeString(bad, "FROM debian\nCOPY only-one-argument\nworkdir relative\nCMD [\"a\"]\nCMD b\n");
        NodeTools.Result b = NodeTools.node("lint-dockerfile.mjs", bad.toString());
        assertThat(b.exitCode()).isEqualTo(1);
        assertThat(b.output()).contains("COPY requires at least two arguments", "WORKDIR paths should be absolute");
    }

    @Test
    void buildsWithTheWrapperAndRunsOnATemurin25Jre() {
        List<String> from = args("FROM");
        assertThat(from).containsExactly("${BASE_JDK} AS build", "${BASE_JRE}");
        assertThat(args("ARG")).contains("BASE_JDK=eclipse-temurin:25-jdk", "BASE_JRE=eclipse-temurin:25-jre");
        String build = args("RUN").getFirst();
        assertThat(build).contains("./mvnw -B -ntp -DskipTests -pl chorus-app -am package");
        String install = args("RUN").get(1);
        assertThat(install).contains("apt-get install -y --no-install-recommends libespeak-ng1 espeak-ng-data")
                .contains("rm -rf /var/lib/apt/lists/*");
    }

    @Test
    void copiesOnlyFilesThatExistAndThatTheBuildMakes() throws Exception {
        List<PathMatcher> ignored = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve(".dockerignore"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + line.strip()));
            }
        }
        for (String copy : args("COPY")) {
            List<String> parts = List.of(copy.split("\\s+"));
            List<String> sources = parts.subList(0, parts.size() - 1);
            if (sources.getFirst().startsWith("--from=build")) {
                // From the build stage: each source is one the build step puts in /out.
                String source = sources.get(1);
                assertThat(List.of("/out/lib/", "/out/chorus-app.jar")).as(copy).contains(source);
                continue;
            }
            for (String source : sources) {
                Path p = ROOT.resolve(source).normalize();
                assertThat(p).as("COPY source %s", source).exists();
                assertThat(ignored).as("COPY source %s is not in .dockerignore", source)
                        .noneMatch(m -> m.matches(ROOT.relativize(p)));
            }
        }
        // What the build step copies to /out is what the chorus-app module packages.
        String build = args("RUN").getFirst();
        assertThat(build).contains("cp chorus-app/target/chorus-app.jar /out/", "cp -r chorus-app/target/lib /out/lib");
        Path jar = ROOT.resolve("chorus-app/target/chorus-app.jar");
        assertThat(jar).as("the packaged program (built before this module)").isRegularFile();
        try (JarFile j = new JarFile(jar.toFile())) {
            String classPath = j.getManifest().getMainAttributes().getValue("Class-Path");
            assertThat(classPath).as("the jar finds its libraries in lib/ beside it").startsWith("lib/");
            for (String entry : classPath.split(" ")) {
                assertThat(ROOT.resolve("chorus-app/target").resolve(entry)).as(entry).isRegularFile();
            }
        }
        // The build context keeps what the wrapper and the reactor need.
        for (String needed : List.of("mvnw", ".mvn/wrapper/maven-wrapper.properties", "pom.xml", "chorus-app/pom.xml",
                "chorus-api/src/main")) {
            assertThat(ROOT.resolve(needed)).exists();
            assertThat(ignored).as(needed).noneMatch(m -> m.matches(Path.of(needed)));
        }
        assertThat(ignored).anyMatch(m -> m.matches(Path.of("chorus-app/target")))
                .anyMatch(m -> m.matches(Path.of("chorus-deploy-test/src/test/validate/node_modules")));
    }

    @Test
    void runsTheProgramAsANonRootUserWithWritableVolumesOnly() throws Exception {
        assertThat(args("ENTRYPOINT")).containsExactly("[\"/opt/chorus/bin/chorus\"]");
        assertThat(args("CMD")).containsExactly("[\"serve\"]");
        Path entry = ROOT.resolve("deploy/docker/chorus");
        assertThat(Files.isExecutable(entry)).as("%s is executable", entry).isTrue();
        assertThat(Files.readString(entry)).contains("-jar /opt/chorus/chorus-app.jar \"$@\"")
                .contains("--enable-native-access=ALL-UNNAMED").contains("${CHORUS_JAVA_OPTS:-}");
        assertThat(args("COPY")).contains("deploy/docker/chorus /opt/chorus/bin/chorus",
                "--from=build /out/chorus-app.jar /opt/chorus/chorus-app.jar", "--from=build /out/lib/ /opt/chorus/lib/");

        String user = args("USER").getFirst();
        assertThat(user).matches("[1-9][0-9]*:[1-9][0-9]*");
        Map<String, Object> values = Chart.manifests(Files.readString(Repo.chart().resolve("values.yaml"))).getFirst();
        assertThat(Chart.at(values, "podSecurityContext", "runAsUser") + ":" + Chart.at(values, "podSecurityContext",
                "runAsGroup")).as("the chart runs the image's user").isEqualTo(user);

        String env = String.join(" ", args("ENV"));
        assertThat(env).contains("CHORUS_HOST=0.0.0.0", "CHORUS_DATA_DIR=/var/lib/chorus",
                "XDG_CACHE_HOME=/var/cache/chorus", "CHORUS_VOICES=/var/lib/chorus-voices");
        assertThat(args("VOLUME")).containsExactly("[\"/var/lib/chorus\", \"/var/cache/chorus\", \"/tmp\"]");

        String health = args("HEALTHCHECK").getFirst();
        assertThat(health).contains("CMD [\"/opt/chorus/bin/healthcheck\"]");
        assertThat(Files.isExecutable(ROOT.resolve("deploy/docker/healthcheck"))).isTrue();
        assertThat(args("COPY")).contains("deploy/docker/healthcheck /opt/chorus/bin/healthcheck");

        String labels = String.join(" ", args("LABEL"));
        for (String label : List.of("title", "description", "version", "revision", "base.name")) {
            assertThat(labels).contains("org.opencontainers.image." + label + "=");
        }
    }

    /** Returns the arguments of every instruction of this name, in order. */
    private static List<String> args(String name) {
        return instructions.stream().filter(i -> i[0].equals(name)).map(i -> i[1]).toList();
    }

    /** Splits a Dockerfile into instructions (continuation lines joined, comments and parser directives dropped). */
    static List<String[]> instructions(String text) {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            current.append(t);
            Matcher m = Pattern.compile("^(\\w+)\\s+(.*)$", Pattern.DOTALL).matcher(current.toString());
            if (m.matches()) {
                out.add(new String[] {m.group(1).toUpperCase(java.util.Locale.ROOT),
                        m.group(2).replaceAll("\\s+", " ").strip()});
            }
            current.setLength(0);
        }
        return out;
    }
}

package dev.chorus.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemonless image recipe ({@code scripts/image/build-oci.sh}) makes the same container as the Dockerfile:
 * packages, user, directories, environment, ports, volumes, entry point, labels and health check. Building and
 * running that image downloads a Debian system, so it is the script's own opt-in check
 * ({@code scripts/image/build-oci.sh --verify}); this test compares the two recipes' text only.
 */
class OciImageRecipeTest {

    private static final Path ROOT = Repo.root();
    private static final Path SCRIPT = ROOT.resolve("scripts/image/build-oci.sh");
    private static String script;
    private static List<String[]> dockerfile;

    @BeforeAll
    static void read() throws IOException {
        script = Files.readString(SCRIPT);
        dockerfile = DockerfileTest.instructions(Files.readString(ROOT.resolve("Dockerfile")));
    }

    @Test
    void scriptsAreExecutableAndCheckTheImageTheyBuild() {
        assertThat(Files.isExecutable(SCRIPT)).as("%s is executable", SCRIPT).isTrue();
        Path verify = ROOT.resolve("scripts/image/verify-oci.sh");
        assertThat(Files.isExecutable(verify)).as("%s is executable", verify).isTrue();
        assertThat(script).contains("debootstrap --variant=minbase", "umoci repack", "jlink --add-modules",
                "\"$ROOT/scripts/image/verify-oci.sh\" \"$ARCHIVE\" \"$TAG\"");
    }

    @Test
    void installsTheDockerfilesPackagesAndUser() {
        String install = args("RUN").get(1);
        Matcher packages = Pattern.compile("--no-install-recommends ([a-z0-9 .+-]+?) \\\\?&&").matcher(install + " &&");
        assertThat(packages.find()).as(install).isTrue();
        assertThat(script)
                .contains("apt-get install -y -qq --no-install-recommends " + packages.group(1).strip());
        for (String command : List.of("groupadd --system --gid 10001 chorus",
                "useradd --system --uid 10001 --gid chorus --home-dir /var/lib/chorus "
                        + "--shell /usr/sbin/nologin chorus")) {
            assertThat(install).contains(command);
            assertThat(script).contains(command);
        }
        assertThat(install).contains("mkdir -p /var/lib/chorus /var/cache/chorus /var/lib/chorus-voices");
        assertThat(script).contains(
                "mkdir -p \"$OS/var/lib/chorus\" \"$OS/var/cache/chorus\" \"$OS/var/lib/chorus-voices\"");
        // The same program files in the same places.
        for (String copy : List.of("deploy/docker/chorus\" \"$R/opt/chorus/bin/chorus\"",
                "deploy/docker/healthcheck\" \"$R/opt/chorus/bin/healthcheck\"",
                "chorus-app.jar\" \"$R/opt/chorus/chorus-app.jar\"", "\"$R/opt/chorus/lib/\"")) {
            assertThat(script).contains(copy);
        }
        assertThat(args("COPY")).contains("deploy/docker/chorus /opt/chorus/bin/chorus",
                "deploy/docker/healthcheck /opt/chorus/bin/healthcheck",
                "--from=build /out/chorus-app.jar /opt/chorus/chorus-app.jar",
                "--from=build /out/lib/ /opt/chorus/lib/");
    }

    @Test
    void configuresTheContainerAsTheDockerfileDoes() {
        Map<String, List<String>> config = scriptConfig();
        assertThat(config.get("user")).containsExactly(args("USER").getFirst());
        assertThat(config.get("workingdir")).containsExactly(args("WORKDIR").getLast());
        assertThat(config.get("entrypoint")).containsExactly("/opt/chorus/bin/chorus");
        assertThat(args("ENTRYPOINT")).containsExactly("[\"/opt/chorus/bin/chorus\"]");
        assertThat(config.get("cmd")).containsExactly("serve");
        assertThat(args("CMD")).containsExactly("[\"serve\"]");

        List<String> exposed = List.of(args("EXPOSE").getFirst().split(" ")).stream().map(p -> p + "/tcp").toList();
        assertThat(config.get("exposedports")).containsExactlyElementsOf(exposed);
        String volumes = args("VOLUME").getFirst();
        assertThat("[" + String.join(", ", config.get("volume").stream().map(v -> "\"" + v + "\"").toList()) + "]")
                .isEqualTo(volumes);

        // Every variable of the Dockerfile's ENV, with its value; PATH adds the runtime's bin folder.
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : config.get("env")) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Matcher pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(args("ENV").getFirst());
        int count = 0;
        while (pair.find()) {
            count++;
            String name = pair.group(1);
            String value = pair.group(2).replace("\"", "");
            if (name.equals("PATH")) {
                assertThat(env.get("PATH")).startsWith(value.replace("${PATH}", "")).contains("/usr/bin", "/bin");
            } else {
                assertThat(env.get(name)).as(name).isEqualTo(value);
            }
        }
        assertThat(count).isEqualTo(7);
        assertThat(env.get("PATH")).contains(env.get("JAVA_HOME") + "/bin");

        List<String> labelKeys = config.get("label").stream().map(l -> l.substring(0, l.indexOf('='))).toList();
        Matcher label = Pattern.compile("(org\\.opencontainers\\.image\\.[a-z.]+)=").matcher(args("LABEL").getFirst());
        List<String> dockerLabels = new ArrayList<>();
        while (label.find()) {
            dockerLabels.add(label.group(1));
        }
        assertThat(labelKeys).containsExactlyElementsOf(dockerLabels);
        assertThat(config.get("label")).anyMatch(l -> l.equals("org.opencontainers.image.title=Chorus"));
    }

    @Test
    void checksHealthAsTheDockerfileDoes() {
        String health = args("HEALTHCHECK").getFirst();
        assertThat(health).isEqualTo("--interval=15s --timeout=6s --start-period=60s --retries=3 "
                + "CMD [\"/opt/chorus/bin/healthcheck\"]");
        assertThat(script).contains("{\"Test\": [\"CMD\", \"/opt/chorus/bin/healthcheck\"], \"Interval\": 15 * second,",
                "\"Timeout\": 6 * second, \"StartPeriod\": 60 * second, \"Retries\": 3}");
    }

    /** The script's {@code --config.NAME VALUE} options, by name, in order (quotes removed). */
    private static Map<String, List<String>> scriptConfig() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("--config\\.(\\w+) (\"[^\"]*\"|\\S+)").matcher(script);
        while (m.find()) {
            out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2).replace("\"", ""));
        }
        return out;
    }

    private static List<String> args(String name) {
        return dockerfile.stream().filter(i -> i[0].equals(name)).map(i -> i[1]).toList();
    }
}

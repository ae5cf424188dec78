package dev.chorus.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Helm chart under test, through Helm itself (helm-java bundles Helm as a native library): lint, and render
 * with values files and {@code --set} values into manifests.
 */
final class Chart {

    static final String RELEASE = "demo";
    static final String NAMESPACE = "speech";
    static final String KUBE_VERSION = "1.31.0";

    private Chart() {
    }

    /** Returns the values file under the chart's {@code ci/} folder. */
    static Path ciValues(String name) {
        return Repo.chart().resolve("ci").resolve(name);
    }

    /** Renders the chart as {@code helm template demo -n speech} with these values; fails as Helm does. */
    static String template(List<Path> valuesFiles, Map<String, Object> set) {
        TemplateCommand t = new Helm(Repo.chart()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path f : valuesFiles) {
            t = t.withValuesFile(f);
        }
        for (Map.Entry<String, Object> e : set.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return t.call();
    }

    /** Renders the chart with these values files and returns its manifests. */
    static List<Map<String, Object>> render(Path... valuesFiles) {
        return manifests(template(List.of(valuesFiles), Map.of()));
    }

    /** Splits rendered YAML into its manifests (empty documents dropped). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> manifests(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object o : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (o instanceof Map<?, ?> m) {
                docs.add((Map<String, Object>) m);
            }
        }
        return docs;
    }

    /** Returns the one manifest of this kind and name; fails when there is none. */
    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in "
                        + docs.stream().map(d -> d.get("kind") + "/" + at(d, "metadata", "name")).toList()));
    }

    /** Follows map keys and list indexes (as Integers) from {@code root}; null where the path ends. */
    static Object at(Object root, Object... path) {
        Object o = root;
        for (Object key : path) {
            if (o instanceof Map<?, ?> m) {
                o = m.get(key);
            } else if (o instanceof List<?> l && key instanceof Integer i && i < l.size()) {
                o = l.get(i);
            } else {
                return null;
            }
        }
        return o;
    }

    /** Writes manifests as one JSON array, for the Node.js validator. */
    static Path writeJson(List<Map<String, Object>> docs, String name) throws IOException {
        Path file = Repo.target().resolve(name);
        new ObjectMapper().writeValue(file.toFile(), docs);
        return file;
    }

    /**
     * Lints the chart as {@code helm lint --strict}, with a values file merged over the defaults when given:
     * Helm's lint takes no values file through this library, so the chart is copied with the merged values.
     */
    static LintResult lint(Path valuesFile) throws IOException {
        if (valuesFile == null) {
            return new Helm(Repo.chart()).lint().strict().call();
        }
        Path copy = Repo.target().resolve("chart-" + valuesFile.getFileName().toString().replace(".yaml", ""))
                .resolve("chorus");
        copyTree(Repo.chart(), copy);
        Load load = new Load(LoadSettings.builder().build());
        Map<String, Object> merged = merge(asMap(load.loadFromString(Files.readString(Repo.chart().resolve("values.yaml")))),
                asMap(load.loadFromString(Files.readString(valuesFile))));
        Files.writeString(copy.resolve("values.yaml"), new Dump(DumpSettings.builder().build()).dumpToString(merged));
        return new Helm(copy).lint().strict().call();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<String, Object>) o);
    }

    /** Merges {@code over} into {@code base} as Helm merges values files: maps deeply, everything else replaced. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            if (v instanceof Map<?, ?> && out.get(k) instanceof Map<?, ?>) {
                out.put(k, merge(asMap(out.get(k)), asMap(v)));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

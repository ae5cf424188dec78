package dev.chorus.testing;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads every module's pom.xml in the reactor and fails, naming the edge, when a module declares a dependency on
 * one of ours that the module map forbids. Compile, provided and runtime scopes are checked; test scope is free
 * except for chorus-bench, which nothing may depend on at all. The same table is in docs/architecture.md.
 */
class ModuleDependencyRulesTest {

    private static final Set<String> API = Set.of("chorus-api");
    private static final Set<String> BELOW_SERVICE = Set.of("chorus-api", "chorus-text", "chorus-ssml",
            "chorus-audio", "chorus-runtime", "chorus-safety");

    /** Module → the modules of ours it may depend on outside test scope (engines: see {@link #allowed}). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("chorus-api", Set.of()),
            Map.entry("chorus-text", API),
            Map.entry("chorus-ssml", API),
            Map.entry("chorus-audio", API),
            Map.entry("chorus-safety", API),
            Map.entry("chorus-onnx", API),
            Map.entry("chorus-runtime", Set.of("chorus-api", "chorus-text", "chorus-ssml", "chorus-audio")),
            // The back-check stage listens through the recognizer SPI; recognizers themselves stay out of it.
            Map.entry("chorus-service", union(BELOW_SERVICE, Set.of("chorus-asr"))),
            Map.entry("chorus-asr", API),
            Map.entry("chorus-server", union(BELOW_SERVICE, Set.of("chorus-service", "chorus-asr", "chorus-jobs"))),
            Map.entry("chorus-cluster", union(BELOW_SERVICE, Set.of("chorus-service"))),
            // Jobs run through the speech pipeline; the server only adapts them to HTTP.
            Map.entry("chorus-jobs", union(BELOW_SERVICE, Set.of("chorus-service"))),
            // The replicated job store implements chorus-jobs' JobStore; nothing but the app depends on it.
            Map.entry("chorus-jobs-raft", union(BELOW_SERVICE, Set.of("chorus-service", "chorus-jobs"))),
            // --compare engine drives the runtime's Synthesizer in-process; text and ssml come with the runtime.
            Map.entry("chorus-loadgen", Set.of("chorus-api", "chorus-audio", "chorus-runtime", "chorus-text",
                    "chorus-ssml")),
            Map.entry("chorus-testing", Set.of("chorus-api", "chorus-text", "chorus-ssml", "chorus-audio")),
            // Tests of deploy/ only: it uses the packaged program in test scope and nothing of ours otherwise.
            Map.entry("chorus-deploy-test", Set.of()));

    /** What engines (chorus-engine-*) may use besides their own support modules (chorus-engine-NAME-*). */
    private static final Set<String> ENGINE_ALLOWED = Set.of("chorus-api", "chorus-onnx", "chorus-audio");

    /** What recognizers (chorus-asr-*) may use: the SPI and the same plumbing as engines. */
    private static final Set<String> RECOGNIZER_ALLOWED = Set.of("chorus-asr", "chorus-api", "chorus-onnx",
            "chorus-audio");

    /** Modules that may depend on any of ours except chorus-bench. */
    private static final Set<String> TOP = Set.of("chorus-app", "chorus-bench");

    @Test
    void everyModuleDependsOnlyOnWhatTheMapAllows() throws Exception {
        Path root = reactorRoot();
        List<String> modules = modules(root);
        assertThat(modules).as("modules of %s", root.resolve("pom.xml")).contains("chorus-api", "chorus-testing");
        List<String> problems = new ArrayList<>();
        for (String module : modules) {
            Path pom = root.resolve(module).resolve("pom.xml");
            if (!Files.exists(pom)) {
                continue; // listed before its pom.xml exists: another change is adding it
            }
            for (Dependency d : dependencies(pom)) {
                String edge = module + " -> " + d.artifactId();
                if (d.artifactId().equals("chorus-bench")) {
                    problems.add(edge + " (" + d.scope() + "): nothing may depend on chorus-bench; it holds JMH,"
                            + " which must stay out of the shipped program");
                } else if (!d.scope().equals("test") && !allowed(module, d.artifactId())) {
                    problems.add(edge + " (" + d.scope() + "): not allowed; " + module + " may use "
                            + describeAllowed(module));
                }
            }
        }
        assertThat(problems).as("forbidden module dependencies (the map is in docs/architecture.md)").isEmpty();
    }

    @Test
    void theRulesCoverEveryModule() throws Exception {
        Path root = reactorRoot();
        List<String> unknown = modules(root).stream()
                .filter(m -> !TOP.contains(m) && !ALLOWED.containsKey(m) && !m.startsWith("chorus-engine-")
                        && !m.startsWith("chorus-asr-"))
                .toList();
        assertThat(unknown).as("modules with no rule: add each to ModuleDependencyRulesTest and"
                + " docs/architecture.md").isEmpty();
    }

    @Test
    void theRulesCatchAnEngineUsingAnotherEngineAndAnythingUsingTheBenchmarks() {
        assertThat(allowed("chorus-engine-hmm", "chorus-engine-hmm-bridge")).isTrue();
        assertThat(allowed("chorus-engine-hmm-bridge", "chorus-engine-hmm")).isFalse();
        assertThat(allowed("chorus-engine-kokoro", "chorus-engine-espeak")).isFalse();
        assertThat(allowed("chorus-engine-piper", "chorus-runtime")).isFalse();
        assertThat(allowed("chorus-server", "chorus-engine-espeak")).isFalse();
        assertThat(allowed("chorus-server", "chorus-loadgen")).isFalse();
        assertThat(allowed("chorus-app", "chorus-loadgen")).isTrue();
        assertThat(allowed("chorus-app", "chorus-bench")).isFalse();
        assertThat(allowed("chorus-testing", "chorus-runtime")).isFalse();
        assertThat(allowed("chorus-api", "chorus-text")).isFalse();
        assertThat(allowed("chorus-asr-pocketsphinx", "chorus-engine-hmm")).isFalse();
        assertThat(allowed("chorus-service", "chorus-asr-pocketsphinx")).isFalse();
        assertThat(allowed("chorus-service", "chorus-asr")).isTrue();
        // Paraformer (ONNX) and the DNSMOS quality model are recognizer modules: the SPI, onnx and audio only.
        assertThat(allowed("chorus-asr-paraformer", "chorus-onnx")).isTrue();
        assertThat(allowed("chorus-asr-paraformer", "chorus-asr")).isTrue();
        assertThat(allowed("chorus-asr-paraformer", "chorus-asr-pocketsphinx")).isFalse();
        assertThat(allowed("chorus-asr-paraformer", "chorus-engine-kokoro")).isFalse();
        assertThat(allowed("chorus-asr-paraformer", "chorus-service")).isFalse();
        assertThat(allowed("chorus-service", "chorus-asr-paraformer")).isFalse();
        assertThat(allowed("chorus-asr-dnsmos", "chorus-onnx")).isTrue();
        assertThat(allowed("chorus-service", "chorus-asr-dnsmos")).isFalse();
    }

    /** Returns whether {@code from} may depend on {@code to} outside test scope. */
    static boolean allowed(String from, String to) {
        if (to.equals("chorus-bench")) {
            return false;
        }
        if (TOP.contains(from)) {
            return true;
        }
        if (from.startsWith("chorus-engine-")) {
            return ENGINE_ALLOWED.contains(to) || to.startsWith(from + "-");
        }
        if (from.startsWith("chorus-asr-")) {
            return RECOGNIZER_ALLOWED.contains(to);
        }
        return ALLOWED.getOrDefault(from, Set.of()).contains(to);
    }

    private static String describeAllowed(String module) {
        if (module.startsWith("chorus-engine-")) {
            return ENGINE_ALLOWED.stream().sorted().toList() + " and its own " + module + "-* modules";
        }
        if (module.startsWith("chorus-asr-")) {
            return RECOGNIZER_ALLOWED.stream().sorted().toList().toString();
        }
        Set<String> allowed = ALLOWED.get(module);
        return allowed == null ? "nothing (it has no rule yet)" : allowed.isEmpty() ? "nothing of ours"
                : allowed.stream().sorted().toList().toString();
    }

    /** A dependency on one of our modules, as declared. */
    record Dependency(String artifactId, String scope) {
    }

    /** Returns the directory whose pom.xml lists the modules, starting from this module's directory. */
    private static Path reactorRoot() throws Exception {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.exists(pom) && !children(root(pom), "modules").isEmpty()) {
                return dir;
            }
        }
        throw new IllegalStateException("no reactor pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }

    private static List<String> modules(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        for (Element modules : children(root(root.resolve("pom.xml")), "modules")) {
            for (Element module : children(modules, "module")) {
                out.add(module.getTextContent().trim());
            }
        }
        return out;
    }

    /** Returns the project's own dependencies on our modules (not dependency management, not plugins'). */
    private static List<Dependency> dependencies(Path pom) throws Exception {
        List<Dependency> out = new ArrayList<>();
        for (Element dependencies : children(root(pom), "dependencies")) {
            for (Element d : children(dependencies, "dependency")) {
                String group = text(d, "groupId", "");
                String artifact = text(d, "artifactId", "");
                boolean ours = group.equals("dev.chorus") || group.equals("${project.groupId}");
                if (ours && artifact.startsWith("chorus-")) {
                    out.add(new Dependency(artifact, text(d, "scope", "compile")));
                }
            }
        }
        return out;
    }

    private static Element root(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setExpandEntityReferences(false);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        return doc.getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name, String otherwise) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? otherwise : found.getFirst().getTextContent().trim();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }
}

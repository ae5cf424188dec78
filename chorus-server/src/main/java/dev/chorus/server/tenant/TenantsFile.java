package dev.chorus.server.tenant;

import dev.chorus.server.ApiKeyHash;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the tenants file (see docs/configuration.md). Every mistake is reported with its line and column and the
 * path of the value, such as {@code tenants.yaml:7:9: tenants[0].limits.requests-per-second: -1 (expected: >= 0)},
 * so a broken reload can be fixed from the log alone.
 */
final class TenantsFile {

    private static final Set<String> TENANT_FIELDS = Set.of("id", "keys", "spiffe-ids", "voices", "limits",
            "content-policy", "priority", "backcheck");
    private static final Set<String> BACKCHECK_FIELDS = Set.of("mode", "sample-fraction");
    private static final Set<String> KEY_FIELDS = Set.of("id", "hash", "revoked");
    private static final Set<String> LIMIT_FIELDS = Set.of("requests-per-second", "characters-per-second",
            "characters-burst", "monthly-characters", "concurrent-streams");

    private TenantsFile() {
    }

    /** A mistake in the tenants file, with its position. */
    static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * Parses the text of a tenants file.
     *
     * @param name shown before each position (the file's path)
     * @throws Invalid naming the line, column and value at fault
     */
    static List<Tenant> parse(String name, String yaml) {
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(name).build()).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            String at = e.getProblemMark().map(m -> (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("?");
            throw new Invalid(name + ":" + at + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new Invalid(name + ": not valid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            return List.of();
        }
        Map<String, Node> top = map(name, root.get(), "(top)", Set.of("tenants"));
        Node list = top.get("tenants");
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof SequenceNode seq)) {
            throw invalid(name, list, "tenants", "expected: a list of tenants, each with an id");
        }
        List<Tenant> tenants = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Tenant t = tenant(name, seq.getValue().get(i), "tenants[" + i + "]");
            if (!ids.add(t.id())) {
                throw invalid(name, seq.getValue().get(i), "tenants[" + i + "].id", "'" + t.id()
                        + "' is a second tenant with that id (expected: unique ids)");
            }
            tenants.add(t);
        }
        return tenants;
    }

    private static Tenant tenant(String name, Node node, String path) {
        Map<String, Node> m = map(name, node, path, TENANT_FIELDS);
        String id = string(name, m.get("id"), path + ".id", node);
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw invalid(name, m.get("id"), path + ".id", "'" + id
                    + "' (expected: letters, digits, '.', '_' or '-', at most 64)");
        }
        List<Tenant.ApiKey> keys = new ArrayList<>();
        List<Node> keyNodes = list(name, m.get("keys"), path + ".keys");
        Set<String> keyIds = new HashSet<>();
        for (int i = 0; i < keyNodes.size(); i++) {
            String kp = path + ".keys[" + i + "]";
            Map<String, Node> k = map(name, keyNodes.get(i), kp, KEY_FIELDS);
            String kid = string(name, k.get("id"), kp + ".id", keyNodes.get(i));
            if (!keyIds.add(kid)) {
                throw invalid(name, k.get("id"), kp + ".id", "'" + kid + "' is a second key with that id in tenant '"
                        + id + "' (expected: unique key ids)");
            }
            ApiKeyHash hash;
            try {
                hash = ApiKeyHash.parse(string(name, k.get("hash"), kp + ".hash", keyNodes.get(i)));
            } catch (IllegalArgumentException e) {
                throw invalid(name, k.get("hash"), kp + ".hash", e.getMessage().replaceFirst("^key hash: ", ""));
            }
            keys.add(new Tenant.ApiKey(kid, hash, bool(name, k.get("revoked"), kp + ".revoked")));
        }
        List<String> spiffe = strings(name, m.get("spiffe-ids"), path + ".spiffe-ids");
        for (int i = 0; i < spiffe.size(); i++) {
            String s = spiffe.get(i);
            if (!s.startsWith("spiffe://") || (s.contains("*") && !s.endsWith("/*")) || s.indexOf('*') != s.lastIndexOf('*')) {
                throw invalid(name, ((SequenceNode) m.get("spiffe-ids")).getValue().get(i),
                        path + ".spiffe-ids[" + i + "]", "'" + s + "' (expected: spiffe://trust-domain/path, "
                                + "or a prefix ending in /*)");
            }
        }
        List<String> voices = strings(name, m.get("voices"), path + ".voices");
        Tenant.Limits limits = limits(name, m.get("limits"), path + ".limits");
        Map<String, String> policy = new LinkedHashMap<>();
        Node p = m.get("content-policy");
        if (p != null) {
            for (Map.Entry<String, Node> e : map(name, p, path + ".content-policy", null).entrySet()) {
                String action = string(name, e.getValue(), path + ".content-policy." + e.getKey(), p)
                        .toLowerCase(Locale.ROOT);
                if (!Tenant.CONTENT_ACTIONS.contains(action)) {
                    throw invalid(name, e.getValue(), path + ".content-policy." + e.getKey(), "'" + action
                            + "' (expected one of: " + String.join(", ", Tenant.CONTENT_ACTIONS) + ")");
                }
                policy.put(e.getKey().toLowerCase(Locale.ROOT), action);
            }
        }
        int priority = (int) number(name, m.get("priority"), path + ".priority", -1000, 1000);
        return new Tenant(id, keys, spiffe, voices, limits, policy, priority,
                backcheck(name, m.get("backcheck"), path + ".backcheck"));
    }

    private static dev.chorus.service.backcheck.BackcheckChoice backcheck(String name, Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> m = map(name, node, path, BACKCHECK_FIELDS);
        if (m.get("mode") == null) {
            throw invalid(name, node, path + ".mode", "missing (expected: off, sampled, strict or all)");
        }
        String mode = string(name, m.get("mode"), path + ".mode", node);
        dev.chorus.service.backcheck.BackcheckMode parsed;
        try {
            parsed = dev.chorus.service.backcheck.BackcheckMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw invalid(name, m.get("mode"), path + ".mode", "'" + mode + "' (expected: off, sampled, strict or all)");
        }
        double fraction = 0.05;
        Node f = m.get("sample-fraction");
        if (f != null) {
            String text = string(name, f, path + ".sample-fraction", node);
            try {
                fraction = Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                fraction = Double.NaN;
            }
            if (!(fraction >= 0 && fraction <= 1)) {
                throw invalid(name, f, path + ".sample-fraction", "'" + text + "' (expected: a number from 0 to 1)");
            }
        }
        return new dev.chorus.service.backcheck.BackcheckChoice(parsed, fraction);
    }

    private static Tenant.Limits limits(String name, Node node, String path) {
        if (node == null) {
            return Tenant.Limits.NONE;
        }
        Map<String, Node> m = map(name, node, path, LIMIT_FIELDS);
        long rps = number(name, m.get("requests-per-second"), path + ".requests-per-second", 0, 1_000_000);
        long cps = number(name, m.get("characters-per-second"), path + ".characters-per-second", 0, 1L << 40);
        long burst = number(name, m.get("characters-burst"), path + ".characters-burst", 0, 1L << 40);
        if (burst > 0 && cps == 0) {
            throw invalid(name, m.get("characters-burst"), path + ".characters-burst", burst
                    + " without characters-per-second (expected: both, or neither)");
        }
        long monthly = number(name, m.get("monthly-characters"), path + ".monthly-characters", 0, 1L << 50);
        long streams = number(name, m.get("concurrent-streams"), path + ".concurrent-streams", 0, 100_000);
        // Without a burst the bucket holds one second's worth.
        return new Tenant.Limits(rps, cps, cps > 0 && burst == 0 ? cps : burst, monthly, (int) streams);
    }

    private static Map<String, Node> map(String name, Node node, String path, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            throw invalid(name, node, path, "expected: a map" + (allowed == null ? "" : " of " + sorted(allowed)));
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw invalid(name, t.getKeyNode(), path, "a key that is not a word");
            }
            if (allowed != null && !allowed.contains(k.getValue())) {
                throw invalid(name, k, path + "." + k.getValue(), "unknown field (expected one of: "
                        + sorted(allowed) + ")");
            }
            out.put(k.getValue(), t.getValueNode());
        }
        return out;
    }

    private static List<Node> list(String name, Node node, String path) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            throw invalid(name, node, path, "expected: a list");
        }
        return seq.getValue();
    }

    private static List<String> strings(String name, Node node, String path) {
        List<String> out = new ArrayList<>();
        List<Node> items = list(name, node, path);
        for (int i = 0; i < items.size(); i++) {
            out.add(string(name, items.get(i), path + "[" + i + "]", node));
        }
        return out;
    }

    private static String string(String name, Node node, String path, Node parent) {
        if (node == null) {
            throw invalid(name, parent, path, "missing");
        }
        if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
            throw invalid(name, node, path, "expected: a non-empty string");
        }
        return s.getValue().strip();
    }

    private static boolean bool(String name, Node node, String path) {
        if (node == null) {
            return false;
        }
        String v = node instanceof ScalarNode s ? s.getValue().strip().toLowerCase(Locale.ROOT) : "";
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, node, path, "'" + v + "' (expected: true or false)");
        };
    }

    private static long number(String name, Node node, String path, long min, long max) {
        if (node == null) {
            return 0;
        }
        String v = node instanceof ScalarNode s ? s.getValue().strip().replace("_", "") : "";
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // Reported below.
        }
        throw invalid(name, node, path, "'" + v + "' (expected: a whole number from " + min + " to " + max + ")");
    }

    private static Invalid invalid(String name, Node node, String path, String problem) {
        String at = node == null ? "" : node.getStartMark().map(TenantsFile::position).orElse("");
        return new Invalid(name + at + ": " + path + ": " + problem);
    }

    private static String position(Mark m) {
        return ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", s.stream().sorted().toList());
    }
}

package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML configuration file into flat dotted keys ({@code server.port}); values stay strings, or lists of
 * strings. Nested maps become dotted keys, so {@code server: {port: 8080}} and {@code server.port: 8080} are the
 * same setting.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * Returns the settings in {@code file}, each as a string or a list of strings.
     *
     * @throws InvalidInputException if the file is not YAML or not a map at its top
     * @throws IOException if it cannot be read
     */
    static Map<String, Object> read(Path file) throws IOException {
        Object root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(in);
        } catch (YamlEngineException e) {
            throw new InvalidInputException("config", file + ": not valid YAML: " + e.getMessage());
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new InvalidInputException("config", file + ": expected a map of settings at the top, such as "
                    + "'server: {port: 8080}'");
        }
        flatten("", map, flat, file);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            switch (e.getValue()) {
                case Map<?, ?> child -> flatten(key + ".", child, out, file);
                case List<?> list -> out.put(key, list.stream().map(ConfigFile::scalar).collect(Collectors.toList()));
                case null -> throw new InvalidInputException(key, file + ": " + key + ": no value");
                default -> out.put(key, scalar(e.getValue()));
            }
        }
    }

    private static String scalar(Object o) {
        if (o instanceof Map<?, ?> || o instanceof List<?>) {
            throw new InvalidInputException("config", "a nested value inside a list: " + o);
        }
        return String.valueOf(o);
    }
}

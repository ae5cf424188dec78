package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;

import static dev.chorus.app.SettingTable.ENGINE_SETTING_ENV;
import static dev.chorus.app.SettingTable.FIXED;
import static dev.chorus.app.SettingTable.POLICY_ENV;
import static dev.chorus.app.SettingTable.VOICE_ENV;
import static dev.chorus.app.SettingTable.WORKERS_ENV;

/**
 * The values of {@code chorus serve}'s settings and where each came from: defaults, then the YAML file, then
 * environment variables, then command-line flags (each later source wins). Values are strings, or lists of
 * strings from YAML lists; the typed reads name the key and its source when a value is malformed.
 */
final class SourcedSettings {

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private SourcedSettings() {
        for (SettingTable.Setting s : FIXED) {
            if (!s.defaultValue().startsWith("(")) {
                put(s.key(), s.defaultValue(), "default");
            }
        }
    }

    /**
     * Reads the settings from a YAML file (may be {@code null}), the environment and flags (key to value).
     *
     * @throws InvalidInputException naming the key and its source when a setting in the file is unknown
     */
    static SourcedSettings load(Path file, Map<String, String> env, Map<String, String> flags) throws IOException {
        SourcedSettings s = new SourcedSettings();
        if (file != null) {
            ConfigFile.read(file).forEach((k, v) -> s.put(SettingTable.checkKey(k, file.toString()), v,
                    file.toString()));
        }
        for (SettingTable.Setting f : FIXED) {
            if (env.containsKey(f.env())) {
                s.put(f.key(), env.get(f.env()), f.env());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            Matcher w = WORKERS_ENV.matcher(e.getKey());
            Matcher v = VOICE_ENV.matcher(e.getKey());
            Matcher p = POLICY_ENV.matcher(e.getKey());
            if (p.matches() && !e.getKey().equals("CHORUS_SAFETY_POLICY_DEFAULT")) {
                s.put("safety.policy." + p.group(1).toLowerCase(Locale.ROOT), e.getValue(), e.getKey());
            } else if (ENGINE_SETTING_ENV.containsKey(e.getKey())) {
                s.put(ENGINE_SETTING_ENV.get(e.getKey()), e.getValue(), e.getKey());
            } else if (w.matches()) {
                s.put("engines." + w.group(1).toLowerCase(Locale.ROOT) + ".workers", e.getValue(), e.getKey());
            } else if (v.matches()) {
                s.put("openai.voices." + v.group(1).toLowerCase(Locale.ROOT), SettingValues.list(e.getValue()),
                        e.getKey());
            }
        }
        flags.forEach((k, v) -> s.put(k, v, k.equals("data.dir") ? "--data-dir"
                : "--" + k.substring(k.indexOf('.') + 1)));
        return s;
    }

    private void put(String key, Object value, String source) {
        values.put(key, value);
        sources.put(key, source);
    }

    /** Returns whether the setting has a value (set anywhere, or a default that is a value). */
    boolean has(String key) {
        return values.containsKey(key);
    }

    /** Returns the keys with values, in the order they were first set. */
    Set<String> keys() {
        return values.keySet();
    }

    /** Returns the value as read: a string, or a list of strings from a YAML list. */
    Object value(String key) {
        return values.get(key);
    }

    /** Returns where the value came from: {@code default}, the file, the environment variable or the flag. */
    String source(String key) {
        return sources.getOrDefault(key, "default");
    }

    /** Returns the key with its source, so messages say where to fix a value. */
    String label(String key) {
        return key + " (from " + source(key) + ")";
    }

    /** Returns the value as a string; a list is joined with commas. */
    String string(String key) {
        Object v = values.get(key);
        return v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : (String) v;
    }

    /** Returns the value as a list: a YAML list, or a comma-separated string. */
    List<String> list(String key) {
        Object v = values.get(key);
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : SettingValues.list((String) v);
    }

    boolean flag(String key) {
        return SettingValues.bool(label(key), string(key));
    }

    int integer(String key) {
        return SettingValues.integer(label(key), string(key));
    }

    long bytes(String key) {
        return SettingValues.bytes(label(key), string(key));
    }

    Duration duration(String key) {
        return SettingValues.duration(label(key), string(key));
    }

    /** Runs a builder call and turns its IllegalArgumentException into a bad-input error naming the source. */
    <T> T guard(String key, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(key, e.getMessage() + " (setting " + key + ", from " + source(key) + ")");
        }
    }

    /** Returns every setting in effect with where it came from, one per line, for {@code --print-config}. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SettingTable.Setting f : FIXED) {
            seen.add(f.key());
            String shown = !values.containsKey(f.key()) ? f.defaultValue()
                    : f.key().equals("admin.key") || f.key().equals("jobs.webhook.key")
                            ? "(set, " + string(f.key()).length() + " characters)"
                    : f.key().equals("tenants.redis.url") ? string(f.key()).replaceFirst("//[^@/]*@", "//***@")
                    : string(f.key());
            lines.add(f.key() + ": " + shown
                    + "  # " + sources.getOrDefault(f.key(), "default"));
        }
        values.keySet().stream().filter(k -> !seen.contains(k)).sorted()
                .forEach(k -> lines.add(k + ": " + string(k) + "  # " + sources.get(k)));
        return lines;
    }
}

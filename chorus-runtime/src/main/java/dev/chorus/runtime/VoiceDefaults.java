package dev.chorus.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default voice and the default alias table (OpenAI's voice names), read from the resource
 * {@code voice-defaults.properties} beside this class, so no code names an engine's voice. Settings override both.
 */
public final class VoiceDefaults {

    private static final String RESOURCE = "voice-defaults.properties";
    private static final String ALIAS = "alias.";

    private static final String DEFAULT_VOICE;
    private static final Map<String, List<String>> ALIASES;

    static {
        String dflt = null;
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        try (InputStream in = VoiceDefaults.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the runtime's jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String l = line.strip();
                int eq = l.indexOf('=');
                if (l.isEmpty() || l.startsWith("#") || eq < 0) {
                    continue;
                }
                String key = l.substring(0, eq).strip();
                String value = l.substring(eq + 1).strip();
                if (key.equals("default-voice")) {
                    dflt = value;
                } else if (key.startsWith(ALIAS)) {
                    aliases.put(key.substring(ALIAS.length()), Arrays.stream(value.split(","))
                            .map(String::strip).filter(s -> !s.isEmpty()).toList());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (dflt == null) {
            throw new IllegalStateException("resource " + RESOURCE + " names no default-voice");
        }
        DEFAULT_VOICE = dflt;
        ALIASES = Collections.unmodifiableMap(aliases);
    }

    private VoiceDefaults() {
    }

    /** Returns the default voice id. */
    public static String defaultVoice() {
        return DEFAULT_VOICE;
    }

    /** Returns the default aliases, in the file's order: name to candidate voice ids, first installed wins. */
    public static Map<String, List<String>> aliases() {
        return ALIASES;
    }
}

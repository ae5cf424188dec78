package dev.chorus.engine.piper.internal;

import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.onnx.reload.VoiceDirectory;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.Voice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Piper's voice ids, {@code piper:NAME[#SPEAKER][@VERSION]} (also {@code piper:NAME@VERSION#SPEAKER}): finds the
 * version and speaker they name in the voice directory, and says what is close when they name nothing.
 */
final class VoiceResolver {

    private static final Pattern ID = Pattern.compile(
            "(?<name>[^#@]+)(?:#(?<speaker>[^#@]+))?(?:@(?<version>[0-9]+))?(?:#(?<speaker2>[^#@]+))?");

    /** Makes the handle {@code load} returns. */
    @FunctionalInterface
    interface HandleFactory {
        Voice handle(ModelVersion<PiperModel> version, VoiceInfo info, int speaker);
    }

    private final String engineId;
    private final VoiceDirectory<PiperModel> directory;
    private final PiperFamily family;
    private final HandleFactory handles;

    VoiceResolver(String engineId, VoiceDirectory<PiperModel> directory, PiperFamily family, HandleFactory handles) {
        this.engineId = engineId;
        this.directory = directory;
        this.family = family;
        this.handles = handles;
    }

    /**
     * Returns a handle on the current version of a voice, or on the version named with {@code @N} while that
     * version is still loaded.
     *
     * @throws VoiceNotFoundException     if there is no such voice, speaker or loaded version
     * @throws EngineUnavailableException if the voice's files exist but never loaded; the message says why
     */
    Voice load(String voiceId) {
        Matcher m = parse(voiceId);
        String name = m.group("name");
        String speaker = m.group("speaker") != null ? m.group("speaker") : m.group("speaker2");
        ModelVersion<PiperModel> version;
        if (m.group("version") != null) {
            version = directory.version(name, Integer.parseInt(m.group("version"))).orElseThrow(() ->
                    new VoiceNotFoundException(voiceId, directory.current(name).map(c -> List.of(engineId + ":"
                            + name + (speaker == null ? "" : "#" + speaker) + "@" + c.version())).orElse(List.of())));
        } else {
            version = directory.current(name).orElseThrow(() -> directory.failure(name)
                    .<RuntimeException>map(f -> new EngineUnavailableException("voice " + voiceId + " cannot load: "
                            + f))
                    .orElseGet(() -> notFound(voiceId)));
        }
        int sid = speakerId(version, speaker, voiceId);
        String id = engineId + ":" + name + (speaker == null ? "" : "#" + speaker);
        return handles.handle(version, family.info(version, id, speaker), sid);
    }

    /**
     * Rescans now; the named voice (or all, for {@code null}) is reread even if its files look unchanged.
     *
     * @throws VoiceNotFoundException if {@code voiceId} names no voice file
     */
    void reload(String voiceId) {
        if (voiceId == null) {
            directory.reloadAll();
            return;
        }
        if (!directory.reload(parse(voiceId).group("name"))) {
            throw notFound(voiceId);
        }
    }

    private int speakerId(ModelVersion<PiperModel> version, String speaker, String voiceId) {
        VoiceConfig c = version.model().config;
        if (speaker == null) {
            return 0;
        }
        Integer named = c.speakers().get(speaker);
        if (named != null) {
            return named;
        }
        if (c.numSpeakers() > 1 && speaker.chars().allMatch(Character::isDigit) && speaker.length() < 9) {
            int n = Integer.parseInt(speaker);
            if (n < c.numSpeakers()) {
                return n;
            }
        }
        List<String> choices = new ArrayList<>();
        c.speakers().keySet().forEach(s -> choices.add(engineId + ":" + version.name() + "#" + s));
        if (choices.isEmpty()) {
            choices.add(engineId + ":" + version.name());
        }
        throw new VoiceNotFoundException(voiceId, choices.size() > 5 ? choices.subList(0, 5) : choices);
    }

    private Matcher parse(String voiceId) {
        String prefix = engineId + ":";
        if (voiceId == null || !voiceId.startsWith(prefix)) {
            throw notFound(String.valueOf(voiceId));
        }
        Matcher m = ID.matcher(voiceId.substring(prefix.length()));
        if (!m.matches() || (m.group("speaker") != null && m.group("speaker2") != null)) {
            throw notFound(voiceId);
        }
        return m;
    }

    private VoiceNotFoundException notFound(String voiceId) {
        String wanted = voiceId.toLowerCase(Locale.ROOT);
        List<String> close = new ArrayList<>();
        for (VoiceInfo v : directory.voices()) {
            String local = v.localName().toLowerCase(Locale.ROOT);
            if (wanted.contains(local) || local.contains(wanted.substring(wanted.indexOf(':') + 1))) {
                close.add(v.id());
            }
        }
        return new VoiceNotFoundException(voiceId, close.size() > 5 ? close.subList(0, 5) : close);
    }
}

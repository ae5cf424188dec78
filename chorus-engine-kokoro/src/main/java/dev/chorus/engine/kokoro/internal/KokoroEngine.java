package dev.chorus.engine.kokoro.internal;

import dev.chorus.engine.kokoro.KokoroEngineProvider;
import dev.chorus.onnx.EngineSettings;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.batch.Batcher;
import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.onnx.reload.VoiceDirectory;
import dev.chorus.onnx.reload.VoiceDirs;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code kokoro} engine: a {@link VoiceDirectory} of {@link KokoroFamily} model directories and the
 * {@code espeak} phonemizer from the context. Voice ids are {@code kokoro:SPEAKER}, {@code kokoro:SPEAKER@VERSION}
 * (a version still loaded) and blends {@code kokoro:a(2)+b(1)} of speakers of one model directory. Thread-safe.
 */
public final class KokoroEngine implements TtsEngine {

    private static final System.Logger LOG = System.getLogger(KokoroEngine.class.getName());
    static final String PHONEMIZER = "espeak";
    private static final Pattern VERSION = Pattern.compile("(.+)@([0-9]{1,9})");

    private final SessionFactory sessions;
    private final Phonemizer phonemizer;
    private final KokoroFamily family;
    private final VoiceDirectory<KokoroModel> directory;
    private final Duration silence;
    private final List<Path> directories;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KokoroEngine(EngineContext context) {
        EngineSettings s = new EngineSettings(context, KokoroEngineProvider.ID);
        int runs = s.positive("max-concurrent-runs", context.workers());
        this.silence = s.duration("sentence-silence", Duration.ZERO);
        this.directories = VoiceDirs.of(context, KokoroEngineProvider.VOICES);
        Duration scan = s.duration("scan-interval", Duration.ofSeconds(2));
        this.sessions = SessionFactory.open(KokoroEngineProvider.ID, KokoroEngineProvider.DEVICE, s.sessions(runs));
        this.phonemizer = context.phonemizer(PHONEMIZER).orElse(null);
        String problem = null;
        if (phonemizer == null) {
            problem = "no phonemizer named '" + PHONEMIZER + "' was offered to the kokoro engine (the runtime offers "
                    + "the espeak engine's when chorus-engine-espeak is installed, enabled and can open)";
            LOG.log(System.Logger.Level.WARNING, "kokoro: no phonemizer, so no Kokoro voice loads: {0}", problem);
        }
        KokoroModel.Batching batching = new KokoroModel.Batching(s.positive("batch.max-size",
                Batcher.defaultMaxSize(sessions.provider())),
                s.duration("batch.max-wait", Duration.ofMillis(5)));
        this.family = new KokoroFamily(sessions, phonemizer, problem, runs, batching, directories);
        this.directory = VoiceDirectory.builder(family).directories(directories).scanInterval(scan)
                .threadName("chorus-kokoro-scan")
                .gate(v -> {
                    try (Voice candidate = candidate(v)) {
                        return context.gate().refuse(candidate);
                    }
                }).build();
    }

    /** Returns a voice of a loaded version's first speaker, for the release gate. */
    private KokoroVoice candidate(ModelVersion<KokoroModel> version) {
        String speaker = version.model().speakers.keySet().iterator().next();
        Blend blend = Blend.parse(speaker);
        return new KokoroVoice(version, family.info(version, speaker, blend.speakers()), blend, phonemizer,
                (int) (silence.toMillis() * version.model().sampleRate / 1000));
    }

    /**
     * Opens the engine and loads every model found.
     *
     * @throws EngineUnavailableException if ONNX Runtime cannot load here
     * @throws IllegalArgumentException   if a setting is invalid
     */
    public static KokoroEngine open(EngineContext context) {
        KokoroEngine engine = new KokoroEngine(context);
        try {
            engine.directory.start();
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    @Override
    public String id() {
        return KokoroEngineProvider.ID;
    }

    @Override
    public String description() {
        return "Kokoro voices on ONNX Runtime " + sessions.runtimeVersion() + " (" + sessions.provider().id() + "), "
                + (phonemizer != null ? "phonemes from the " + PHONEMIZER + " phonemizer" : "no eSpeak phonemizer");
    }

    /** Returns the directories searched, in order. */
    public List<Path> directories() {
        return directories;
    }

    /** Returns one voice per speaker: a speaker two model directories name is served by the first found. */
    @Override
    public List<VoiceInfo> voices() {
        Map<String, VoiceInfo> out = new LinkedHashMap<>();
        for (VoiceInfo v : directory.voices()) {
            out.putIfAbsent(v.id(), v);
        }
        return List.copyOf(out.values());
    }

    /**
     * Returns a voice: one speaker, or a blend of speakers of one model directory.
     *
     * @throws VoiceNotFoundException     if a speaker or the version is not there
     * @throws InvalidInputException      if a blend's syntax or weight is wrong, or it mixes two models
     * @throws EngineUnavailableException if the speaker's directory exists but failed to load
     */
    @Override
    public Voice load(String voiceId) {
        ensureOpen();
        String prefix = KokoroEngineProvider.ID + ":";
        if (voiceId == null || !voiceId.startsWith(prefix) || voiceId.length() == prefix.length()) {
            throw notFound(String.valueOf(voiceId), "");
        }
        String local = voiceId.substring(prefix.length());
        Integer wantedVersion = null;
        Matcher v = VERSION.matcher(local);
        if (v.matches()) {
            local = v.group(1);
            wantedVersion = Integer.parseInt(v.group(2));
        }
        Blend blend = Blend.parse(local);
        String dir = null;
        for (String speaker : blend.speakers()) {
            String owner = family.owner(speaker).orElse(null);
            if (owner != null && !directory.contains(owner)) {
                family.forget(speaker);
                directory.reloadAll();
                owner = family.owner(speaker).orElse(null);
            }
            if (owner == null) {
                throw notFound(voiceId, speaker);
            }
            if (dir != null && !dir.equals(owner)) {
                throw new InvalidInputException("voice", "voice: '" + voiceId + "' blends speakers of two models ("
                        + dir + " and " + owner + "; expected: speakers of one Kokoro model)");
            }
            dir = owner;
        }
        String owner = dir;
        ModelVersion<KokoroModel> version;
        if (wantedVersion != null) {
            int n = wantedVersion;
            version = directory.version(owner, n).orElseThrow(() -> new VoiceNotFoundException(voiceId,
                    directory.current(owner).map(c -> List.of(prefix + blendName(blend) + "@" + c.version()))
                            .orElse(List.of())));
        } else {
            version = directory.current(owner).orElseThrow(() -> directory.failure(owner)
                    .<RuntimeException>map(f -> new EngineUnavailableException("voice " + voiceId + " cannot load: "
                            + f))
                    .orElseGet(() -> notFound(voiceId, "")));
        }
        for (String speaker : blend.speakers()) {
            if (!version.model().speakers.containsKey(speaker)) {
                throw notFound(voiceId, speaker);
            }
        }
        String name = blend.single() ? blend.speakers().getFirst() : local.replace(" ", "");
        VoiceInfo info = family.info(version, name, blend.speakers());
        int silenceSamples = (int) (silence.toMillis() * version.model().sampleRate / 1000);
        return new KokoroVoice(version, info, blend, phonemizer, silenceSamples);
    }

    private static String blendName(Blend blend) {
        return String.join("+", blend.speakers());
    }

    @Override
    public void addVoicesListener(Runnable listener) {
        directory.addListener(listener);
    }

    @Override
    public void reload(String voiceId) {
        ensureOpen();
        if (voiceId == null) {
            directory.reloadAll();
            return;
        }
        String local = voiceId.startsWith(KokoroEngineProvider.ID + ":")
                ? voiceId.substring(KokoroEngineProvider.ID.length() + 1) : voiceId;
        Matcher v = VERSION.matcher(local);
        String speaker = Blend.parse(v.matches() ? v.group(1) : local).speakers().getFirst();
        String owner = family.owner(speaker).orElseThrow(() -> notFound(voiceId, speaker));
        if (!directory.reload(owner)) {
            throw notFound(voiceId, speaker);
        }
    }

    @Override
    public Map<String, String> failures() {
        return directory.failures();
    }

    private VoiceNotFoundException notFound(String voiceId, String speaker) {
        String wanted = (speaker.isEmpty() ? voiceId.substring(voiceId.indexOf(':') + 1) : speaker)
                .toLowerCase(Locale.ROOT);
        Map<String, Integer> close = new LinkedHashMap<>();
        for (VoiceInfo info : directory.voices()) {
            String local = info.localName().toLowerCase(Locale.ROOT);
            if (local.contains(wanted) || wanted.contains(local)
                    || (wanted.length() >= 2 && local.startsWith(wanted.substring(0, 2)))) {
                close.put(info.id(), 0);
            }
        }
        List<String> list = new ArrayList<>(close.keySet());
        String shown = speaker.isEmpty() || voiceId.equals(KokoroEngineProvider.ID + ":" + speaker) ? voiceId
                : voiceId + "' has no speaker '" + speaker;
        return new VoiceNotFoundException(shown, list.size() > 5 ? list.subList(0, 5) : list);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            directory.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("kokoro engine is closed");
        }
    }
}

package dev.chorus.engine.amvocoder.internal;

import dev.chorus.onnx.EngineSettings;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.batch.Batcher;
import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.onnx.reload.VoiceDirectory;
import dev.chorus.onnx.reload.VoiceDirs;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code matcha} or {@code fastspeech2} engine: a {@link VoiceDirectory} of {@link AmFamily} directories and the
 * {@code espeak} phonemizer from the context. Voice ids are {@code ENGINE:DIR[#SPEAKER][@VERSION]}. Thread-safe.
 */
public final class AmEngine implements TtsEngine {

    private static final System.Logger LOG = System.getLogger(AmEngine.class.getName());
    private static final Pattern ID = Pattern.compile("([^#@]+)(?:#([0-9]{1,6}))?(?:@([0-9]{1,9}))?");

    private final AmKind kind;
    private final SessionFactory sessions;
    private final Phonemizer phonemizer;
    private final VoiceDirectory<AmModel> directory;
    private final AmFamily family;
    private final AmVoice.Tuning tuning;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AmEngine(EngineContext context, AmKind kind) {
        this.kind = kind;
        EngineSettings s = new EngineSettings(context, kind.engineId);
        int runs = s.positive("max-concurrent-runs", context.workers());
        this.tuning = new AmVoice.Tuning((float) s.number("noise-scale", 0.667, 0, 10), s.positive("steps", 3),
                (int) s.duration("sentence-silence", Duration.ZERO).toMillis());
        this.sessions = SessionFactory.open(kind.engineId, s.key("device"), s.sessions(runs));
        this.phonemizer = context.phonemizer("espeak").orElse(null);
        String problem = null;
        if (phonemizer == null) {
            problem = "no phonemizer named 'espeak' was offered to the " + kind.engineId + " engine (the runtime "
                    + "offers the espeak engine's when chorus-engine-espeak is installed, enabled and can open)";
            LOG.log(System.Logger.Level.WARNING, "{0}: no phonemizer, so no voice loads: {1}", kind.engineId,
                    problem);
        }
        this.family = new AmFamily(kind, sessions, phonemizer, problem, runs, s.positive("batch.max-size",
                Batcher.defaultMaxSize(sessions.provider())),
                s.duration("batch.max-wait", Duration.ofMillis(5)).toNanos());
        String handOff = s.string("hand-off");
        if (handOff != null && !handOff.equals("direct") && !handOff.equals("copy")) {
            throw new IllegalArgumentException(s.key("hand-off") + ": '" + handOff
                    + "' (expected one of: direct, copy)");
        }
        family.copyHandOff("copy".equals(handOff));
        this.directory = VoiceDirectory.builder(family).directories(VoiceDirs.of(context, s.key("voices")))
                .scanInterval(s.duration("scan-interval", Duration.ofSeconds(2)))
                .threadName("chorus-" + kind.engineId + "-scan")
                .gate(v -> {
                    try (Voice candidate = new AmVoice(v, family.info(v, 0), 0, phonemizer, tuning)) {
                        return context.gate().refuse(candidate);
                    }
                }).build();
    }

    /**
     * Opens the engine and loads every voice found.
     *
     * @throws EngineUnavailableException if ONNX Runtime cannot load here
     * @throws IllegalArgumentException   if a setting is invalid
     */
    public static AmEngine open(EngineContext context, AmKind kind) {
        AmEngine engine = new AmEngine(context, kind);
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
        return kind.engineId;
    }

    @Override
    public String description() {
        return kind.engineId + " acoustic model + vocoder voices on ONNX Runtime " + sessions.runtimeVersion() + " ("
                + sessions.provider().id() + ")";
    }

    @Override
    public List<VoiceInfo> voices() {
        return directory.voices();
    }

    @Override
    public Voice load(String voiceId) {
        ensureOpen();
        Matcher m = parse(voiceId);
        String name = m.group(1);
        int speaker = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        ModelVersion<AmModel> version;
        if (m.group(3) != null) {
            version = directory.version(name, Integer.parseInt(m.group(3))).orElseThrow(() ->
                    new VoiceNotFoundException(voiceId, directory.current(name).map(c -> List.of(kind.engineId + ":"
                            + name + "@" + c.version())).orElse(List.of())));
        } else {
            version = directory.current(name).orElseThrow(() -> directory.failure(name)
                    .<RuntimeException>map(f -> new EngineUnavailableException("voice " + voiceId + " cannot load: "
                            + f))
                    .orElseGet(() -> notFound(voiceId)));
        }
        if (speaker >= version.model().speakers) {
            throw new VoiceNotFoundException(voiceId, List.of(kind.engineId + ":" + name));
        }
        return new AmVoice(version, family.info(version, speaker), speaker, phonemizer, tuning);
    }

    /** Returns the loaded model behind a voice handle of this engine, for tests and benchmarks. */
    AmModel model(String name) {
        return directory.current(name).orElseThrow().model();
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
        } else if (!directory.reload(parse(voiceId).group(1))) {
            throw notFound(voiceId);
        }
    }

    @Override
    public Map<String, String> failures() {
        return directory.failures();
    }

    private Matcher parse(String voiceId) {
        String prefix = kind.engineId + ":";
        if (voiceId == null || !voiceId.startsWith(prefix)) {
            throw notFound(String.valueOf(voiceId));
        }
        Matcher m = ID.matcher(voiceId.substring(prefix.length()));
        if (!m.matches()) {
            throw notFound(voiceId);
        }
        return m;
    }

    private VoiceNotFoundException notFound(String voiceId) {
        String wanted = voiceId.substring(voiceId.indexOf(':') + 1).toLowerCase(Locale.ROOT);
        List<String> close = new ArrayList<>();
        for (VoiceInfo v : directory.voices()) {
            String local = v.localName().toLowerCase(Locale.ROOT);
            if (local.contains(wanted) || wanted.contains(local)) {
                close.add(v.id());
            }
        }
        return new VoiceNotFoundException(voiceId, close.size() > 5 ? close.subList(0, 5) : close);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            directory.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(kind.engineId + " engine is closed");
        }
    }
}

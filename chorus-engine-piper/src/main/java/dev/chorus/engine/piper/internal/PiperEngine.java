package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.onnx.ExecutionProvider;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.SessionSettings;
import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.onnx.reload.VoiceDirectory;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import dev.chorus.tts.spi.VoiceGate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code piper} engine: a {@link VoiceDirectory} of {@link PiperFamily} voices, ONNX Runtime sessions built
 * with the engine's settings, and the phonemizer the context offers under the name {@value #PHONEMIZER}.
 * Thread-safe.
 */
public final class PiperEngine implements TtsEngine {

    private static final System.Logger LOG = System.getLogger(PiperEngine.class.getName());
    /** The phonemizer Piper voices were trained with: eSpeak NG's IPA, offered by the {@code espeak} engine. */
    static final String PHONEMIZER = "espeak";

    private final PiperSettings settings;
    private final SessionFactory sessions;
    private final Phonemizer phonemizer;
    private final PiperFamily family;
    private final VoiceDirectory<PiperModel> directory;
    private final VoiceResolver resolver;
    private final int silenceMillis;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PiperEngine(PiperSettings settings, SessionFactory sessions, Phonemizer phonemizer, String problem,
                        VoiceGate gate) {
        this.settings = settings;
        this.sessions = sessions;
        this.phonemizer = phonemizer;
        this.silenceMillis = (int) settings.sentenceSilence().toMillis();
        this.family = new PiperFamily(sessions, phonemizer, problem, settings.maxConcurrentRuns());
        this.directory = VoiceDirectory.builder(family)
                .directories(settings.voiceDirectories())
                .scanInterval(settings.scanInterval())
                .gate(v -> {
                    try (Voice candidate = handle(v, family.voices(v).getFirst(), 0)) {
                        return gate.refuse(candidate);
                    }
                })
                .build();
        this.resolver = new VoiceResolver(PiperEngineProvider.ID, directory, family, this::handle);
    }

    /**
     * Opens the engine: settings, ONNX Runtime, the phonemizer from the context, and every voice in the
     * directories.
     *
     * @throws EngineUnavailableException if ONNX Runtime cannot load here
     * @throws IllegalArgumentException   if a setting is invalid
     */
    public static PiperEngine open(EngineContext context) {
        PiperSettings settings = PiperSettings.of(context);
        SessionFactory sessions = SessionFactory.open(PiperEngineProvider.ID, PiperEngineProvider.DEVICE,
                sessionSettings(settings));
        Phonemizer phonemizer = context.phonemizer(PHONEMIZER).orElse(null);
        String problem = null;
        if (phonemizer == null) {
            problem = "no phonemizer named '" + PHONEMIZER + "' was offered to the piper engine (the runtime offers "
                    + "the espeak engine's when chorus-engine-espeak is installed, enabled and can open)";
            LOG.log(System.Logger.Level.WARNING, "piper: no phonemizer, so only voices with phoneme_type "
                    + "\"text\" load: {0}", problem);
        }
        PiperEngine engine = new PiperEngine(settings, sessions, phonemizer, problem, context.gate());
        try {
            engine.directory.start();
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    private static SessionSettings sessionSettings(PiperSettings s) {
        return new SessionSettings(s.intraOpThreads(), s.interOpThreads(),
                SessionSettings.Optimization.valueOf(s.optimization().name()),
                s.device() == PiperSettings.Device.CUDA ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
    }

    private Voice handle(ModelVersion<PiperModel> version, VoiceInfo info, int speaker) {
        int silence = (int) ((long) silenceMillis * version.model().config.sampleRate() / 1000);
        return new PiperVoiceHandle(version, info, speaker, phonemizer, silence);
    }

    @Override
    public String id() {
        return PiperEngineProvider.ID;
    }

    @Override
    public String description() {
        return "Piper voices on ONNX Runtime " + sessions.runtimeVersion() + " (" + provider() + "), "
                + (phonemizer != null ? "phonemes from the " + PHONEMIZER + " phonemizer" : "no eSpeak phonemizer");
    }

    /** Returns the execution provider voices run on: {@code cpu} or {@code cuda}. */
    public String provider() {
        return sessions.provider().id();
    }

    /** Returns the settings in effect. */
    public PiperSettings settings() {
        return settings;
    }

    @Override
    public List<VoiceInfo> voices() {
        return directory.voices();
    }

    @Override
    public Voice load(String voiceId) {
        ensureOpen();
        return resolver.load(voiceId);
    }

    @Override
    public void addVoicesListener(Runnable listener) {
        directory.addListener(listener);
    }

    @Override
    public void reload(String voiceId) {
        ensureOpen();
        resolver.reload(voiceId);
    }

    @Override
    public Map<String, String> failures() {
        return directory.failures();
    }

    /** Returns how many sessions (voice versions) were created, for tests. */
    int sessionsOpened() {
        return family.sessionsOpened();
    }

    /** Returns how many sessions were closed, for tests. */
    int sessionsClosed() {
        return family.sessionsClosed();
    }

    /** Returns the voice versions whose sessions are open, for tests. */
    List<ModelVersion<PiperModel>> loadedModels() {
        return directory.loaded();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            directory.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("piper engine is closed");
        }
    }
}

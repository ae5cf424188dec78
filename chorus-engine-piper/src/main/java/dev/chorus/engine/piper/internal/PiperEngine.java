package dev.chorus.engine.piper.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@code piper} engine: a {@link VoiceRegistry} over the voice directories, ONNX Runtime sessions built with
 * the engine's settings, and the {@code espeak} engine's phonemizer. Thread-safe.
 */
public final class PiperEngine implements TtsEngine {

    private static final System.Logger LOG = System.getLogger(PiperEngine.class.getName());
    private static final String ESPEAK = "espeak";

    private final PiperSettings settings;
    private final OrtEnvironment env;
    private final String provider;
    private final TtsEngine espeak;
    private final Phonemizer phonemizer;
    private final String phonemizerProblem;
    private final VoiceRegistry registry;
    private final int silenceMillis;
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final AtomicInteger sessionsClosed = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private PiperEngine(PiperSettings settings, OrtEnvironment env, String provider, TtsEngine espeak,
                        String phonemizerProblem) {
        this.settings = settings;
        this.env = env;
        this.provider = provider;
        this.espeak = espeak;
        this.phonemizer = espeak == null ? null : espeak.phonemizer().orElse(null);
        this.phonemizerProblem = espeak != null && phonemizer == null ? "the espeak engine offers no phonemizer"
                : phonemizerProblem;
        this.silenceMillis = (int) settings.sentenceSilence().toMillis();
        this.registry = new VoiceRegistry(PiperEngineProvider.ID, settings.voiceDirectories(),
                settings.scanInterval(), this::createModel, this::handle);
    }

    /**
     * Opens the engine: settings, ONNX Runtime, the eSpeak phonemizer, and every voice in the directories.
     *
     * @throws EngineUnavailableException if ONNX Runtime cannot load here
     * @throws IllegalArgumentException   if a setting is invalid
     */
    public static PiperEngine open(EngineContext context) {
        return open(context, PiperEngine::openEspeak);
    }

    /** Opens the engine with the phonemizer engine from {@code espeakOpener} (which may return {@code null}). */
    static PiperEngine open(EngineContext context, Function<EngineContext, TtsEngine> espeakOpener) {
        PiperSettings settings = PiperSettings.of(context);
        OrtEnvironment env;
        try {
            env = OrtEnvironment.getEnvironment();
        } catch (RuntimeException | LinkageError e) {
            throw new EngineUnavailableException("piper: ONNX Runtime cannot load on this machine (" + e
                    + "); it needs com.microsoft.onnxruntime:onnxruntime on the class path and a supported "
                    + "platform (linux-x64, linux-aarch64, macOS, Windows)", e);
        }
        String provider = provider(settings);
        TtsEngine espeak = null;
        String problem = null;
        try {
            espeak = espeakOpener.apply(context);
            if (espeak == null) {
                problem = "no engine with id 'espeak' is on the class or module path (add chorus-engine-espeak)";
            }
        } catch (RuntimeException e) {
            problem = "the espeak engine cannot open: " + e.getMessage();
        }
        if (problem != null) {
            LOG.log(System.Logger.Level.WARNING, "piper: no phonemizer, so only voices with phoneme_type "
                    + "\"text\" load: {0}", problem);
        }
        PiperEngine engine = new PiperEngine(settings, env, provider, espeak, problem);
        try {
            engine.registry.start();
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    private static TtsEngine openEspeak(EngineContext context) {
        Map<String, String> espeakSettings = new HashMap<>();
        context.settings().forEach((k, v) -> {
            if (k.startsWith(ESPEAK + ".")) {
                espeakSettings.put(k, v);
            }
        });
        EngineContext espeakContext = new EngineContext(context.workers(), espeakSettings);
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                PiperEngine.class.getClassLoader()}) {
            for (ServiceLoader.Provider<TtsEngineProvider> p : ServiceLoader.load(TtsEngineProvider.class, loader)
                    .stream().toList()) {
                if (p.type().getName().startsWith(PiperEngine.class.getPackageName().replace(".internal", ""))) {
                    continue;
                }
                TtsEngineProvider candidate = p.get();
                if (candidate.id().equals(ESPEAK)) {
                    return candidate.open(espeakContext);
                }
            }
        }
        return null;
    }

    private static String provider(PiperSettings settings) {
        if (settings.device() != PiperSettings.Device.CUDA) {
            return "cpu";
        }
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            LOG.log(System.Logger.Level.WARNING, "piper.device=cuda: this ONNX Runtime has no CUDA provider (use "
                    + "onnxruntime_gpu in place of onnxruntime, e.g. build with -Pgpu); running voices on the CPU");
            return "cpu";
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(0);
            return "cuda";
        } catch (OrtException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "piper.device=cuda: the CUDA provider cannot start ({0}); "
                    + "running voices on the CPU", e.getMessage());
            return "cpu";
        }
    }

    private LoadedModel createModel(String name, int version, Path onnx, Path json, byte[] onnxBytes,
                                    byte[] jsonBytes) throws LoadedModel.LoadException {
        VoiceConfig config;
        try {
            config = VoiceConfig.parse(jsonBytes);
        } catch (VoiceConfig.Invalid e) {
            throw new LoadedModel.LoadException(json, e.getMessage());
        }
        if (config.phonemeType() == VoiceConfig.PhonemeType.ESPEAK) {
            if (phonemizer == null) {
                throw new LoadedModel.LoadException(json, "phoneme_type: \"espeak\" needs the espeak engine's "
                        + "phonemizer, which is unavailable: " + phonemizerProblem
                        + " (voices with phoneme_type \"text\" still load)");
            }
            try {
                phonemizer.phonemize("a", config.espeakVoice());
            } catch (InvalidInputException e) {
                throw new LoadedModel.LoadException(json, "espeak.voice: '" + config.espeakVoice()
                        + "' is not a voice eSpeak NG has here: " + e.getMessage());
            }
        }
        OrtSession session;
        try (OrtSession.SessionOptions options = sessionOptions()) {
            session = env.createSession(onnxBytes, options);
        } catch (OrtException e) {
            throw new LoadedModel.LoadException(onnx, "not a loadable ONNX model: " + e.getMessage());
        }
        LoadedModel model = LoadedModel.create(name, version, onnx, json, config, provider, env, session,
                settings.maxConcurrentRuns(), closedModel -> {
                    sessionsClosed.incrementAndGet();
                    registry.closed(closedModel);
                });
        sessionsOpened.incrementAndGet();
        return model;
    }

    private OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setIntraOpNumThreads(settings.intraOpThreads());
            o.setInterOpNumThreads(settings.interOpThreads());
            o.setExecutionMode(settings.interOpThreads() > 1 ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
                    : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(switch (settings.optimization()) {
                case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            if ("cuda".equals(provider)) {
                o.addCUDA(0);
            }
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    private Voice handle(LoadedModel model, VoiceInfo info, int speaker) {
        int silence = (int) ((long) silenceMillis * model.config.sampleRate() / 1000);
        return new PiperVoiceHandle(model, info, speaker, phonemizer, silence);
    }

    @Override
    public String id() {
        return PiperEngineProvider.ID;
    }

    @Override
    public String description() {
        return "Piper voices on ONNX Runtime " + env.getVersion() + " (" + provider + "), "
                + (phonemizer != null ? "phonemes from " + espeak.description() : "no eSpeak phonemizer");
    }

    /** Returns the execution provider voices run on: {@code cpu} or {@code cuda}. */
    public String provider() {
        return provider;
    }

    /** Returns the settings in effect. */
    public PiperSettings settings() {
        return settings;
    }

    @Override
    public List<VoiceInfo> voices() {
        return registry.voices();
    }

    @Override
    public Voice load(String voiceId) {
        ensureOpen();
        return registry.load(voiceId);
    }

    @Override
    public void addVoicesListener(Runnable listener) {
        registry.addListener(listener);
    }

    @Override
    public void reload(String voiceId) {
        ensureOpen();
        registry.reload(voiceId);
    }

    @Override
    public Map<String, String> failures() {
        return registry.failures();
    }

    /** Returns how many sessions (voice versions) were created, for tests. */
    int sessionsOpened() {
        return sessionsOpened.get();
    }

    /** Returns how many sessions were closed, for tests. */
    int sessionsClosed() {
        return sessionsClosed.get();
    }

    /** Returns the voice versions whose sessions are open, for tests. */
    List<LoadedModel> loadedModels() {
        return registry.loaded();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            registry.close();
            if (espeak != null) {
                espeak.close();
            }
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("piper engine is closed");
        }
    }
}

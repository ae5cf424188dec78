package dev.chorus.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.chorus.tts.EngineUnavailableException;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Creates ONNX Runtime sessions with one engine's settings. The execution provider is decided once, when the
 * factory opens: CUDA when asked for and it starts, else the CPU with one WARNING line saying why. Every session
 * then runs on {@link #provider()}. Thread-safe.
 */
public final class SessionFactory {

    private static final System.Logger LOG = System.getLogger(SessionFactory.class.getName());

    private final OrtEnvironment env;
    private final SessionSettings settings;
    private final ExecutionProvider provider;

    private SessionFactory(OrtEnvironment env, SessionSettings settings, ExecutionProvider provider) {
        this.env = env;
        this.settings = settings;
        this.provider = provider;
    }

    /**
     * Loads ONNX Runtime and decides the provider.
     *
     * @param engine        the engine id, for messages
     * @param deviceSetting the name of the setting that asked for the device, for the fallback warning
     * @throws EngineUnavailableException if ONNX Runtime cannot load on this machine
     */
    public static SessionFactory open(String engine, String deviceSetting, SessionSettings settings) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(settings, "settings");
        OrtEnvironment env;
        try {
            env = OrtEnvironment.getEnvironment();
        } catch (RuntimeException | LinkageError e) {
            throw new EngineUnavailableException(engine + ": ONNX Runtime cannot load on this machine (" + e
                    + "); it needs com.microsoft.onnxruntime:onnxruntime on the class path and a supported "
                    + "platform (linux-x64, linux-aarch64, macOS, Windows)", e);
        }
        return new SessionFactory(env, settings, provider(settings.device(), deviceSetting));
    }

    private static ExecutionProvider provider(ExecutionProvider wanted, String deviceSetting) {
        if (wanted != ExecutionProvider.CUDA) {
            return ExecutionProvider.CPU;
        }
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            LOG.log(System.Logger.Level.WARNING, "{0}=cuda: this ONNX Runtime has no CUDA provider (use "
                    + "onnxruntime_gpu in place of onnxruntime, e.g. build with -Pgpu); running voices on the CPU",
                    deviceSetting);
            return ExecutionProvider.CPU;
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(0);
            return ExecutionProvider.CUDA;
        } catch (OrtException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "{0}=cuda: the CUDA provider cannot start ({1}); running voices "
                    + "on the CPU", deviceSetting, e.getMessage());
            return ExecutionProvider.CPU;
        }
    }

    /** Returns the provider every session of this factory runs on. */
    public ExecutionProvider provider() {
        return provider;
    }

    /** Returns the settings sessions are created with. */
    public SessionSettings settings() {
        return settings;
    }

    /** Returns the ONNX Runtime environment, for creating tensors. */
    public OrtEnvironment environment() {
        return env;
    }

    /** Returns the ONNX Runtime version, e.g. {@code 1.29.0}. */
    public String runtimeVersion() {
        return env.getVersion();
    }

    /**
     * Creates a session from a model's bytes.
     *
     * @param file the model's file, named in the message on failure
     * @throws ModelLoadException if ONNX Runtime cannot load the bytes as a model
     */
    public OrtSession create(Path file, byte[] model) throws ModelLoadException {
        try (OrtSession.SessionOptions options = options()) {
            return env.createSession(model, options);
        } catch (OrtException e) {
            throw new ModelLoadException(file, "not a loadable ONNX model: " + e.getMessage(), e);
        }
    }

    private OrtSession.SessionOptions options() throws OrtException {
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
            if (provider == ExecutionProvider.CUDA) {
                o.addCUDA(0);
            }
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** Closes a session, logging rather than throwing if that fails. */
    public static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing an ONNX Runtime session failed", e);
        }
    }
}

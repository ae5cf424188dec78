package dev.chorus.engine.hmm;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.Gender;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * MaryTTS running in its own class loader, reached only through the bridge's JDK interfaces.
 *
 * <p>Design: MaryTTS keeps its configuration, modules and voice in static fields and cannot be restarted, so one
 * runtime per library folder starts on first use and lives as long as the JVM; engines share it and closing an
 * engine never touches it. The loader's parent is the platform class loader, so MaryTTS sees the JDK and nothing
 * of the application, and the application sees nothing of MaryTTS. MaryTTS finds its configuration through the
 * thread context class loader, so every call into it switches that loader and switches it back before returning
 * (also around each read of audio, so sinks never run with MaryTTS's loader as their context).
 */
final class MaryRuntime {

    private static final String BRIDGE = "dev.chorus.engine.hmm.bridge.MaryBridge";
    private static final Map<List<Path>, MaryRuntime> RUNNING = new HashMap<>();

    private final Path location;
    private final ClassLoader loader;
    private final Map<String, String> voice;
    private final BiFunction<String, Double, Map.Entry<int[], InputStream>> synthesizer;
    private final long startupNanos;

    /**
     * One sentence's synthesis result.
     *
     * @param words triples (offset in the sentence, length, first sample in the sentence's audio), in spoken order
     * @param pcm   mono little-endian PCM16 at the voice's rate; closing it early discards the rest
     */
    record SentenceAudio(int[] words, InputStream pcm) {
    }

    private MaryRuntime(Path location, ClassLoader loader, Map<String, String> voice,
                        BiFunction<String, Double, Map.Entry<int[], InputStream>> synthesizer, long startupNanos) {
        this.location = location;
        this.loader = loader;
        this.voice = voice;
        this.synthesizer = synthesizer;
        this.startupNanos = startupNanos;
    }

    /**
     * Returns the runtime for these jars, starting MaryTTS if this JVM has not yet done so.
     *
     * @throws EngineUnavailableException if MaryTTS cannot start from them
     */
    static synchronized MaryRuntime obtain(HmmLibrary library) {
        MaryRuntime runtime = RUNNING.get(library.jars());
        if (runtime == null) {
            runtime = start(library);
            RUNNING.put(library.jars(), runtime);
        }
        return runtime;
    }

    private static MaryRuntime start(HmmLibrary library) {
        URL[] urls = library.jars().stream().map(MaryRuntime::toUrl).toArray(URL[]::new);
        URLClassLoader loader = new URLClassLoader("chorus-hmm-marytts", urls, ClassLoader.getPlatformClassLoader());
        long t0 = System.nanoTime();
        try {
            Object bridge = inLoader(loader, () -> newBridge(loader));
            long startupNanos = System.nanoTime() - t0;
            if (!(bridge instanceof Supplier<?> metadata && bridge instanceof BiFunction<?, ?, ?>)) {
                throw new IllegalStateException(BRIDGE + " does not implement the expected interfaces");
            }
            Map<String, String> voice = Map.copyOf(inLoader(loader, () -> castMetadata(metadata.get())));
            Integer.parseInt(voice.get("sampleRate")); // fails early on incomplete metadata
            return new MaryRuntime(library.folder(), loader, voice, castSynthesizer(bridge), startupNanos);
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(loader);
            throw new EngineUnavailableException("hmm: MaryTTS did not start from " + library.folder() + " ("
                    + library.origin() + "): " + rootMessage(e), e);
        }
    }

    private static Object newBridge(ClassLoader loader) {
        try {
            return Class.forName(BRIDGE, true, loader).getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + BRIDGE + ": " + e, e);
        }
    }

    @SuppressWarnings("unchecked") // the bridge's documented types; only JDK types cross the loader boundary
    private static Map<String, String> castMetadata(Object metadata) {
        return (Map<String, String>) metadata;
    }

    @SuppressWarnings("unchecked")
    private static BiFunction<String, Double, Map.Entry<int[], InputStream>> castSynthesizer(Object bridge) {
        return (BiFunction<String, Double, Map.Entry<int[], InputStream>>) bridge;
    }

    /** Synthesizes one sentence at {@code speed}; the caller closes the returned stream. */
    SentenceAudio synthesize(String sentence, double speed) {
        Map.Entry<int[], InputStream> result = inLoader(() -> synthesizer.apply(sentence, speed));
        return new SentenceAudio(result.getKey(), new ContextLoaderStream(result.getValue()));
    }

    String voiceName() {
        return voice.get("name");
    }

    String language() {
        return voice.get("locale");
    }

    Gender gender() {
        return Gender.parse(voice.get("gender"));
    }

    int sampleRate() {
        return Integer.parseInt(voice.get("sampleRate"));
    }

    String version() {
        return voice.get("version");
    }

    Path location() {
        return location;
    }

    /** Returns how long MaryTTS took to start in this JVM, in nanoseconds. */
    long startupNanos() {
        return startupNanos;
    }

    /** Returns MaryTTS's class loader, for tests that check what it can and cannot see. */
    ClassLoader loader() {
        return loader;
    }

    private <T> T inLoader(Supplier<T> call) {
        return inLoader(loader, call);
    }

    private static <T> T inLoader(ClassLoader loader, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jar: " + jar + " (expected: a local file)", e);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // Nothing else holds it: a failed close only delays releasing the jar files.
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (cause: " + root + ")";
    }

    /** The bridge's PCM stream, read with MaryTTS's loader as the context loader. */
    private final class ContextLoaderStream extends InputStream {
        private final InputStream pcm;

        ContextLoaderStream(InputStream pcm) {
            this.pcm = pcm;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                return pcm.read(b, off, len);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        @Override
        public void close() throws IOException {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                pcm.close();
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }
}

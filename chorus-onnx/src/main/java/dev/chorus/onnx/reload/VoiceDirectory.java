package dev.chorus.onnx.reload;

import dev.chorus.onnx.ModelLoadException;
import dev.chorus.tts.VoiceInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Voice directories with versioned hot reload, for any {@link ModelFamily}.
 *
 * <p>Design: one lock serialises scans (background, {@link #reload}, close); readers never take it. Every scan walks
 * the directories (down to {@code maxDepth} levels), lets the family recognise each voice's files, and compares
 * their sizes and modification times with the previous scan. Changed files are read, hashed (SHA-256 over all of
 * them) and, if the content differs from the current version, loaded in full by the family on the scanning thread;
 * only then does the new version become current, as the next number (numbers are never reused while the directory
 * is open). A voice that fails to load is reported in {@link #failures()} once its files have been unchanged for
 * one scan interval (so a copy in progress is not reported as broken), and its previous version, if any, stays
 * current. A replaced or removed version unloads once its last lease ends (see {@link ModelVersion}). Listeners
 * run after every change of {@link #voices()} or {@link #failures()}, on the thread that scanned.
 *
 * @param <M> the family's model
 */
public final class VoiceDirectory<M extends AutoCloseable> implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VoiceDirectory.class.getName());

    private record FileState(List<Long> sizes, List<Long> modified, boolean complete) {
    }

    private static final class Slot<M extends AutoCloseable> {
        final String name;
        VoiceFiles files;
        FileState observed;
        long observedAt;
        FileState attempted;
        FileState triedUnstable;
        byte[] currentHash;
        volatile ModelVersion<M> current;
        volatile String failure;

        Slot(String name) {
            this.name = name;
        }
    }

    private final ModelFamily<M> family;
    private final String engineId;
    private final List<Path> directories;
    private final Duration interval;
    private final Duration settle;
    private final int maxDepth;
    private final String threadName;
    private final LongSupplier ticker;
    private final Map<String, Slot<M>> slots = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, ModelVersion<M>>> live = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastVersions = new ConcurrentHashMap<>();
    private final Set<String> warnedNames = ConcurrentHashMap.newKeySet();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock scanLock = new ReentrantLock();
    private volatile List<VoiceInfo> voices = List.of();
    private volatile Map<String, String> failures = Map.of();
    private volatile boolean closed;
    private final Function<ModelVersion<M>, Optional<String>> gate;
    private DirectoryWatcher watcher;

    private VoiceDirectory(Builder<M> b) {
        this.family = b.family;
        this.engineId = b.family.engineId();
        this.directories = List.copyOf(b.directories);
        this.interval = b.interval;
        this.settle = b.settle;
        this.maxDepth = b.maxDepth;
        this.threadName = b.threadName != null ? b.threadName : "chorus-" + engineId + "-scan";
        this.ticker = b.ticker;
        this.gate = b.gate;
    }

    /** Returns a builder for a directory of {@code family}'s voices. */
    public static <M extends AutoCloseable> Builder<M> builder(ModelFamily<M> family) {
        return new Builder<>(Objects.requireNonNull(family, "family"));
    }

    /** Loads every voice found now, then starts the background scans (unless the scan interval is zero). */
    public void start() {
        scan(true, null);
        if (!interval.isZero() && !closed) {
            watcher = new DirectoryWatcher(directories, interval, settle, threadName, () -> scan(false, null));
        }
    }

    /** Returns the voices of every current version, sorted by id. */
    public List<VoiceInfo> voices() {
        return voices;
    }

    /** Returns, by voice id ({@code engine:name}), why a voice's files do not load. */
    public Map<String, String> failures() {
        return failures;
    }

    /** Adds a callback run after every change of {@link #voices()} or {@link #failures()}. */
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Rescans now and rereads every voice, even those whose files look unchanged. */
    public void reloadAll() {
        scan(true, null);
    }

    /**
     * Rescans now and rereads the voice {@code name} even if its files look unchanged.
     *
     * @return whether the voice's files exist
     */
    public boolean reload(String name) {
        scan(false, name);
        return slots.containsKey(name);
    }

    /** Returns whether files of the voice {@code name} exist (loaded or not). */
    public boolean contains(String name) {
        return slots.containsKey(name);
    }

    /** Returns the current version of a voice, if it loaded. */
    public Optional<ModelVersion<M>> current(String name) {
        Slot<M> slot = slots.get(name);
        return Optional.ofNullable(slot == null ? null : slot.current);
    }

    /** Returns version {@code version} of a voice while it is current or still leased. */
    public Optional<ModelVersion<M>> version(String name, int version) {
        ModelVersion<M> v = live.getOrDefault(name, Map.of()).get(version);
        return v != null && v.isLive() ? Optional.of(v) : Optional.empty();
    }

    /** Returns why the voice's files last failed to load, if they did. */
    public Optional<String> failure(String name) {
        Slot<M> slot = slots.get(name);
        return Optional.ofNullable(slot == null ? null : slot.failure);
    }

    /** Returns every version whose model is open (current or still in use). */
    public List<ModelVersion<M>> loaded() {
        List<ModelVersion<M>> out = new ArrayList<>();
        live.values().forEach(v -> out.addAll(v.values()));
        return out;
    }

    /** Stops scanning and unloads every version; models close after their runs in progress. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        scanLock.lock();
        try {
            for (Map<Integer, ModelVersion<M>> versions : live.values()) {
                List.copyOf(versions.values()).forEach(ModelVersion::unload);
            }
            slots.clear();
            voices = List.of();
            failures = Map.of();
        } finally {
            scanLock.unlock();
        }
    }

    /**
     * Looks at every voice's files.
     *
     * @param forceAll  reread every voice, and treat every file as complete
     * @param forceName reread this voice, and treat its files as complete
     */
    private void scan(boolean forceAll, String forceName) {
        scanLock.lock();
        try {
            if (closed) {
                return;
            }
            Set<Path> unreadable = new HashSet<>();
            Map<String, VoiceFiles> found = discover(unreadable);
            List<Slot<M>> gone = new ArrayList<>();
            for (Slot<M> slot : List.copyOf(slots.values())) {
                if (!found.containsKey(slot.name)
                        && unreadable.stream().noneMatch(slot.files.primary()::startsWith)) {
                    gone.add(slot);
                }
            }
            if (!gone.isEmpty()) {
                // Unlist removed voices before they stop loading, so a listed voice always loads.
                publish(gone);
                gone.forEach(this::remove);
            }
            boolean changed = false;
            long now = ticker.getAsLong();
            for (Map.Entry<String, VoiceFiles> e : found.entrySet()) {
                Slot<M> slot = slots.computeIfAbsent(e.getKey(), Slot::new);
                boolean force = forceAll || e.getKey().equals(forceName);
                if (!e.getValue().equals(slot.files)) {
                    slot.files = e.getValue();
                    slot.attempted = null;
                }
                FileState state;
                try {
                    state = state(slot.files);
                } catch (IOException ex) {
                    continue;
                }
                if (!state.equals(slot.observed)) {
                    slot.observed = state;
                    slot.observedAt = now;
                }
                if (!force && state.equals(slot.attempted)) {
                    continue;
                }
                boolean stable = force || now - slot.observedAt >= interval.toNanos();
                if (!stable && (!state.complete() || state.equals(slot.triedUnstable))) {
                    continue;
                }
                changed |= attempt(slot, state, stable);
            }
            if (changed) {
                publish(List.of());
            }
        } finally {
            scanLock.unlock();
        }
    }

    private Map<String, VoiceFiles> discover(Set<Path> unreadable) {
        Map<String, VoiceFiles> found = new LinkedHashMap<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir, maxDepth + 1)) {
                files = walk.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p))
                        .sorted(Comparator.comparing(Path::toString)).toList();
            } catch (IOException | UncheckedIOException e) {
                unreadable.add(dir);
                LOG.log(System.Logger.Level.DEBUG, "cannot list " + dir, e);
                continue;
            }
            for (Path file : files) {
                Optional<VoiceFiles> voice = family.recognise(file);
                if (voice.isEmpty()) {
                    continue;
                }
                String name = voice.get().name();
                if (name.isEmpty() || name.contains("@") || name.contains("#") || name.contains(":")) {
                    if (warnedNames.add(file.toString())) {
                        LOG.log(System.Logger.Level.WARNING, "{0}: ignored: a voice file name may not contain "
                                + "''@'', ''#'' or '':''", file);
                    }
                    continue;
                }
                VoiceFiles first = found.putIfAbsent(name, voice.get());
                if (first != null && warnedNames.add(file.toString())) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: ignored: voice {1}:{2} is already {3}", file,
                            engineId, name, first.primary());
                }
            }
        }
        return found;
    }

    private static FileState state(VoiceFiles files) throws IOException {
        List<Long> sizes = new ArrayList<>();
        List<Long> modified = new ArrayList<>();
        boolean complete = true;
        for (Path f : files.all()) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                sizes.add(a.size());
                modified.add(a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            } catch (NoSuchFileException e) {
                if (f.equals(files.primary())) {
                    throw e;
                }
                sizes.add(-1L);
                modified.add(-1L);
                complete = false;
            }
        }
        return new FileState(sizes, modified, complete);
    }

    /** Tries to load a voice's files as a new version; returns whether voices or failures changed. */
    private boolean attempt(Slot<M> slot, FileState state, boolean stable) {
        VoiceFiles files = slot.files;
        List<byte[]> contents = new ArrayList<>();
        for (Path f : files.all()) {
            if (!Files.exists(f)) {
                String role = files.companions().stream().filter(c -> c.file().equals(f))
                        .map(VoiceFiles.Companion::role).findFirst().orElse("a file of the voice");
                return fail(slot, state, stable, f + ": missing (expected: " + role + " beside "
                        + files.primary().getFileName() + ")");
            }
            try {
                contents.add(Files.readAllBytes(f));
            } catch (IOException e) {
                return fail(slot, state, stable, f + ": unreadable: " + e);
            }
        }
        byte[] hash = hash(contents);
        ModelVersion<M> old = slot.current;
        if (old != null && Arrays.equals(hash, slot.currentHash)) {
            slot.attempted = state;
            boolean hadFailure = slot.failure != null;
            slot.failure = null;
            return hadFailure;
        }
        int version = lastVersions.getOrDefault(slot.name, 0) + 1;
        M model;
        try {
            model = family.load(files, version, contents);
        } catch (ModelLoadException e) {
            return fail(slot, state, stable, e.getMessage());
        } catch (RuntimeException e) {
            return fail(slot, state, stable, files.primary() + ": cannot load: " + e);
        }
        ModelVersion<M> loaded = new ModelVersion<>(engineId, slot.name, version, files, model, this::closed);
        Optional<String> refusal = gateCheck(loaded);
        if (refusal.isPresent()) {
            loaded.release();
            return fail(slot, state, true, files.primary() + ": refused by the release gate: " + refusal.get());
        }
        lastVersions.put(slot.name, version);
        live.computeIfAbsent(slot.name, k -> new ConcurrentHashMap<>()).put(version, loaded);
        slot.currentHash = hash;
        slot.attempted = state;
        slot.failure = null;
        slot.current = loaded;
        LOG.log(System.Logger.Level.INFO, "{0}:{1} version {2} loaded from {3} ({4})", engineId, slot.name,
                version, files.primary(), family.describe(model));
        if (old != null) {
            old.release();
        }
        return true;
    }

    /** Asks the release gate about a loaded version that is not current yet; a gate that throws refuses. */
    private Optional<String> gateCheck(ModelVersion<M> candidate) {
        try {
            return Objects.requireNonNull(gate.apply(candidate), "gate answer");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, engineId + ":" + candidate.name() + ": the release gate failed", e);
            return Optional.of("the check failed: " + e);
        }
    }

    private boolean fail(Slot<M> slot, FileState state, boolean stable, String message) {
        if (!stable) {
            slot.triedUnstable = state;
            return false;
        }
        slot.attempted = state;
        ModelVersion<M> current = slot.current;
        String reason = current == null ? message : message + " (still serving version " + current.version() + ")";
        if (reason.equals(slot.failure)) {
            return false;
        }
        slot.failure = reason;
        LOG.log(System.Logger.Level.WARNING, "{0}:{1} failed to load: {2}", engineId, slot.name, reason);
        return true;
    }

    private void remove(Slot<M> slot) {
        slots.remove(slot.name, slot);
        ModelVersion<M> current = slot.current;
        slot.current = null;
        if (current != null) {
            LOG.log(System.Logger.Level.INFO, "{0}:{1} removed (version {2} unloads after its last use)",
                    engineId, slot.name, current.version());
            current.release();
        }
    }

    private void closed(ModelVersion<M> version) {
        Map<Integer, ModelVersion<M>> versions = live.get(version.name());
        if (versions != null) {
            versions.remove(version.version(), version);
        }
    }

    /** Publishes the voices and failures of every slot but {@code leaving}, then tells the listeners. */
    private void publish(List<Slot<M>> leaving) {
        List<VoiceInfo> list = new ArrayList<>();
        Map<String, String> failed = new TreeMap<>();
        for (Slot<M> slot : slots.values()) {
            if (leaving.contains(slot)) {
                continue;
            }
            ModelVersion<M> current = slot.current;
            if (current != null) {
                list.addAll(family.voices(current));
            }
            if (slot.failure != null) {
                failed.put(engineId + ":" + slot.name, slot.failure);
            }
        }
        list.sort(Comparator.comparing(VoiceInfo::id));
        voices = List.copyOf(list);
        failures = Collections.unmodifiableMap(failed);
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a voices listener failed", e);
            }
        }
    }

    private static byte[] hash(List<byte[]> contents) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < contents.size(); i++) {
                if (i > 0) {
                    sha.update((byte) 0);
                }
                sha.update(contents.get(i));
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Configures a {@link VoiceDirectory}. Each option may be set once; a second call fails naming the first value.
     *
     * @param <M> the family's model
     */
    public static final class Builder<M extends AutoCloseable> {
        private final ModelFamily<M> family;
        private List<Path> directories;
        private Duration interval = Duration.ofSeconds(2);
        private Duration settle = Duration.ofMillis(200);
        private int maxDepth = 4;
        private String threadName;
        private LongSupplier ticker = System::nanoTime;
        private Function<ModelVersion<M>, Optional<String>> gate = v -> Optional.empty();
        private final Set<String> set = new HashSet<>();

        private Builder(ModelFamily<M> family) {
            this.family = family;
        }

        private void once(String option, Object earlier) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " was already set to " + earlier);
            }
        }

        /** Sets the directories to search, in priority order (the first that has a name wins). */
        public Builder<M> directories(List<Path> dirs) {
            once("directories", directories);
            this.directories = List.copyOf(dirs);
            return this;
        }

        /** Sets how often to rescan (default 2 s); zero scans only on {@code reload}. */
        public Builder<M> scanInterval(Duration d) {
            once("scanInterval", interval);
            if (d.isNegative()) {
                throw new IllegalArgumentException("scanInterval: " + d + " (expected: >= 0)");
            }
            this.interval = d;
            return this;
        }

        /** Sets how long writes must pause after a watch event before scanning (default 200 ms). */
        public Builder<M> settle(Duration d) {
            once("settle", settle);
            if (d.isNegative()) {
                throw new IllegalArgumentException("settle: " + d + " (expected: >= 0)");
            }
            this.settle = d;
            return this;
        }

        /** Sets the directory levels searched below each directory (default 4). */
        public Builder<M> maxDepth(int depth) {
            once("maxDepth", maxDepth);
            if (depth < 0) {
                throw new IllegalArgumentException("maxDepth: " + depth + " (expected: >= 0)");
            }
            this.maxDepth = depth;
            return this;
        }

        /** Sets the scanning thread's name (default {@code chorus-ENGINE-scan}). */
        public Builder<M> threadName(String name) {
            once("threadName", threadName);
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets the clock that decides when files count as unchanged for one interval (default nanoTime). */
        public Builder<M> ticker(LongSupplier nanoTime) {
            once("ticker", ticker);
            this.ticker = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /**
         * Sets the release gate: each new version, once loaded and before it becomes current, is handed to
         * {@code check}, which answers why it must not serve (the version is then closed, never served, and listed
         * as a failure while the previous version keeps serving) or empty (default: every version serves).
         */
        public Builder<M> gate(Function<ModelVersion<M>, Optional<String>> check) {
            once("gate", gate);
            this.gate = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Creates the directory; {@link VoiceDirectory#start()} loads the voices. */
        public VoiceDirectory<M> build() {
            if (directories == null) {
                throw new IllegalStateException("directories: not set (expected: at least an empty list)");
            }
            return new VoiceDirectory<>(this);
        }
    }
}

package dev.chorus.engine.piper.internal;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.Gender;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.Voice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The voice directories: which voices exist, their versions, and which version is current.
 *
 * <p>A voice is {@code NAME.onnx} with {@code NAME.onnx.json} beside it, in a voice directory or up to
 * {@value #MAX_DEPTH} directory levels below it; the first directory (then the first path) that has a name wins. Every scan compares each file
 * pair's size and modification time with what was seen before. Changed files are loaded in full (session
 * created and test-run) on the scanning thread and only then become current; their content hash decides whether
 * they are a new version. A file that fails to load is reported in {@link #failures()} once its files have been
 * unchanged for one scan interval (so a copy still in progress is not reported), and the previous version, if
 * any, stays current.
 */
final class VoiceRegistry implements AutoCloseable {

    /** Directory levels searched below a voice directory: Piper's {@code en/en_US/lessac/medium/} layout. */
    static final int MAX_DEPTH = 4;

    private static final System.Logger LOG = System.getLogger(VoiceRegistry.class.getName());
    private static final Pattern ID = Pattern.compile(
            "(?<name>[^#@]+)(?:#(?<speaker>[^#@]+))?(?:@(?<version>[0-9]+))?(?:#(?<speaker2>[^#@]+))?");

    /** Creates a version from a voice's files. */
    @FunctionalInterface
    interface ModelFactory {
        LoadedModel load(String name, int version, Path onnx, Path json, byte[] onnxBytes, byte[] jsonBytes)
                throws LoadedModel.LoadException;
    }

    /** Makes the handle {@code load} returns. */
    @FunctionalInterface
    interface HandleFactory {
        Voice handle(LoadedModel model, VoiceInfo info, int speaker);
    }

    private record FileState(long onnxSize, long onnxModified, long jsonSize, long jsonModified,
                             boolean jsonExists) {
    }

    private static final class Slot {
        final String name;
        Path onnx;
        Path json;
        FileState observed;
        long observedAt;
        FileState attempted;
        FileState triedUnstable;
        byte[] currentHash;
        volatile LoadedModel current;
        volatile String failure;

        Slot(String name) {
            this.name = name;
        }
    }

    private final String engineId;
    private final List<Path> directories;
    private final Duration interval;
    private final ModelFactory models;
    private final HandleFactory handles;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, LoadedModel>> live = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastVersions = new ConcurrentHashMap<>();
    private final Set<String> warnedNames = ConcurrentHashMap.newKeySet();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock scanLock = new ReentrantLock();
    private volatile List<VoiceInfo> voices = List.of();
    private volatile Map<String, String> failures = Map.of();
    private volatile boolean closed;
    private Thread scanner;
    private WatchService watcher;

    VoiceRegistry(String engineId, List<Path> directories, Duration interval, ModelFactory models,
                  HandleFactory handles) {
        this.engineId = engineId;
        this.directories = List.copyOf(directories);
        this.interval = interval;
        this.models = models;
        this.handles = handles;
    }

    /** Loads every voice found now, then starts watching the directories (unless the interval is zero). */
    void start() {
        scan(true, null);
        if (!interval.isZero()) {
            try {
                watcher = FileSystems.getDefault().newWatchService();
            } catch (IOException | UnsupportedOperationException e) {
                LOG.log(System.Logger.Level.DEBUG, "no WatchService; scanning every " + interval, e);
            }
            scanner = Thread.ofPlatform().daemon().name("chorus-piper-scan").start(this::scanLoop);
        }
    }

    List<VoiceInfo> voices() {
        return voices;
    }

    Map<String, String> failures() {
        return failures;
    }

    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Rescans now; the named voice (or all, for {@code null}) is reread even if its files look unchanged.
     *
     * @throws VoiceNotFoundException if {@code voiceId} names no voice file
     */
    void reload(String voiceId) {
        if (voiceId == null) {
            scan(true, null);
            return;
        }
        String name = parse(voiceId).group("name");
        scan(false, name);
        if (!slots.containsKey(name)) {
            throw notFound(voiceId);
        }
    }

    /**
     * Returns a handle on the current version of a voice, or on the version named with {@code @N} while that
     * version is still loaded.
     *
     * @throws VoiceNotFoundException     if there is no such voice, speaker or loaded version
     * @throws EngineUnavailableException if the voice's files exist but never loaded; the message says why
     */
    Voice load(String voiceId) {
        if (closed) {
            throw new IllegalStateException(engineId + " engine is closed");
        }
        Matcher m = parse(voiceId);
        String name = m.group("name");
        String speaker = m.group("speaker") != null ? m.group("speaker") : m.group("speaker2");
        Slot slot = slots.get(name);
        LoadedModel model;
        if (m.group("version") != null) {
            int version = Integer.parseInt(m.group("version"));
            model = live.getOrDefault(name, Map.of()).get(version);
            if (model == null || !model.isLive()) {
                LoadedModel current = slot == null ? null : slot.current;
                List<String> suggestions = current == null ? List.of()
                        : List.of(engineId + ":" + name + (speaker == null ? "" : "#" + speaker) + "@"
                                + current.version);
                throw new VoiceNotFoundException(voiceId, suggestions);
            }
        } else {
            model = slot == null ? null : slot.current;
            if (model == null) {
                String failure = slot == null ? null : slot.failure;
                if (failure != null) {
                    throw new EngineUnavailableException("voice " + voiceId + " cannot load: " + failure);
                }
                throw notFound(voiceId);
            }
        }
        int sid = speakerId(model, speaker, voiceId);
        String id = engineId + ":" + name + (speaker == null ? "" : "#" + speaker);
        return handles.handle(model, info(model, id, speaker), sid);
    }

    /** Forgets a version whose session closed. */
    void closed(LoadedModel model) {
        Map<Integer, LoadedModel> versions = live.get(model.name);
        if (versions != null) {
            versions.remove(model.version, model);
        }
    }

    /** Returns every version whose session is open. */
    List<LoadedModel> loaded() {
        List<LoadedModel> out = new ArrayList<>();
        live.values().forEach(v -> out.addAll(v.values()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the WatchService failed", e);
            }
        }
        if (scanner != null) {
            scanner.interrupt();
            try {
                scanner.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scanLock.lock();
        try {
            for (Map<Integer, LoadedModel> versions : live.values()) {
                List.copyOf(versions.values()).forEach(LoadedModel::unload);
            }
            slots.clear();
            voices = List.of();
            failures = Map.of();
        } finally {
            scanLock.unlock();
        }
    }

    private void scanLoop() {
        Set<Path> registered = new HashSet<>();
        while (!closed) {
            try {
                register(registered);
                if (watcher != null) {
                    WatchKey key = watcher.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
                    if (key != null) {
                        drain(key);
                        // Let a burst of writes settle before looking.
                        long settle = Math.min(interval.toMillis(), 200);
                        WatchKey more;
                        while ((more = watcher.poll(settle, TimeUnit.MILLISECONDS)) != null) {
                            drain(more);
                        }
                    }
                } else {
                    Thread.sleep(interval.toMillis());
                }
                scan(false, null);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "scanning the Piper voice directories failed", e);
            }
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void register(Set<Path> registered) {
        if (watcher == null) {
            return;
        }
        for (Path dir : directories) {
            if (!registered.contains(dir) && Files.isDirectory(dir)) {
                try {
                    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                    registered.add(dir);
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot watch " + dir + "; scanning it periodically", e);
                    registered.add(dir);
                }
            }
        }
    }

    /**
     * Looks at every voice file.
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
            Map<String, Path> found = discover(unreadable);
            boolean changed = false;
            List<Slot> gone = new ArrayList<>();
            for (Slot slot : List.copyOf(slots.values())) {
                if (!found.containsKey(slot.name) && unreadable.stream().noneMatch(slot.onnx::startsWith)) {
                    gone.add(slot);
                }
            }
            if (!gone.isEmpty()) {
                // Unlist removed voices before they stop loading, so a listed voice always loads.
                publish(gone);
                gone.forEach(this::remove);
            }
            long now = System.nanoTime();
            for (Map.Entry<String, Path> e : found.entrySet()) {
                Slot slot = slots.computeIfAbsent(e.getKey(), Slot::new);
                boolean force = forceAll || e.getKey().equals(forceName);
                if (!e.getValue().equals(slot.onnx)) {
                    slot.onnx = e.getValue();
                    slot.json = e.getValue().resolveSibling(e.getValue().getFileName() + ".json");
                    slot.attempted = null;
                }
                FileState state;
                try {
                    state = state(slot);
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
                if (!stable && (!state.jsonExists() || state.equals(slot.triedUnstable))) {
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

    private Map<String, Path> discover(Set<Path> unreadable) {
        Map<String, Path> found = new LinkedHashMap<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH + 1)) {
                files = walk.filter(p -> {
                    String f = p.getFileName().toString();
                    return f.endsWith(".onnx") && !f.startsWith(".") && Files.isRegularFile(p);
                }).sorted(Comparator.comparing(Path::toString)).toList();
            } catch (IOException | UncheckedIOException e) {
                unreadable.add(dir);
                LOG.log(System.Logger.Level.DEBUG, "cannot list " + dir, e);
                continue;
            }
            for (Path onnx : files) {
                String file = onnx.getFileName().toString();
                String name = file.substring(0, file.length() - ".onnx".length());
                if (name.isEmpty() || name.contains("@") || name.contains("#") || name.contains(":")) {
                    if (warnedNames.add(onnx.toString())) {
                        LOG.log(System.Logger.Level.WARNING, "{0}: ignored: a voice file name may not contain "
                                + "'@', '#' or ':'", onnx);
                    }
                    continue;
                }
                Path first = found.putIfAbsent(name, onnx);
                if (first != null && warnedNames.add(onnx.toString())) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: ignored: voice {1}:{2} is already {3}", onnx,
                            engineId, name, first);
                }
            }
        }
        return found;
    }

    private static FileState state(Slot slot) throws IOException {
        BasicFileAttributes onnx = Files.readAttributes(slot.onnx, BasicFileAttributes.class);
        try {
            BasicFileAttributes json = Files.readAttributes(slot.json, BasicFileAttributes.class);
            return new FileState(onnx.size(), onnx.lastModifiedTime().to(TimeUnit.NANOSECONDS), json.size(),
                    json.lastModifiedTime().to(TimeUnit.NANOSECONDS), true);
        } catch (NoSuchFileException e) {
            return new FileState(onnx.size(), onnx.lastModifiedTime().to(TimeUnit.NANOSECONDS), -1, -1, false);
        }
    }

    /** Tries to load a voice's files as a new version; returns whether voices or failures changed. */
    private boolean attempt(Slot slot, FileState state, boolean stable) {
        byte[] onnxBytes;
        byte[] jsonBytes;
        try {
            onnxBytes = Files.readAllBytes(slot.onnx);
        } catch (IOException e) {
            return fail(slot, state, stable, slot.onnx + ": unreadable: " + e);
        }
        if (!state.jsonExists()) {
            return fail(slot, state, stable, slot.json + ": missing (expected: the voice's config beside "
                    + slot.onnx.getFileName() + ")");
        }
        try {
            jsonBytes = Files.readAllBytes(slot.json);
        } catch (IOException e) {
            return fail(slot, state, stable, slot.json + ": unreadable: " + e);
        }
        byte[] hash = hash(onnxBytes, jsonBytes);
        LoadedModel old = slot.current;
        if (old != null && Arrays.equals(hash, slot.currentHash)) {
            slot.attempted = state;
            boolean hadFailure = slot.failure != null;
            slot.failure = null;
            return hadFailure;
        }
        int version = lastVersions.getOrDefault(slot.name, 0) + 1;
        LoadedModel model;
        try {
            model = models.load(slot.name, version, slot.onnx, slot.json, onnxBytes, jsonBytes);
        } catch (LoadedModel.LoadException e) {
            return fail(slot, state, stable, e.getMessage());
        }
        lastVersions.put(slot.name, version);
        live.computeIfAbsent(slot.name, k -> new ConcurrentHashMap<>()).put(version, model);
        slot.currentHash = hash;
        slot.attempted = state;
        slot.failure = null;
        slot.current = model;
        LOG.log(System.Logger.Level.INFO, "{0}:{1} version {2} loaded from {3} ({4})", engineId, slot.name,
                version, slot.onnx, model.provider);
        if (old != null) {
            old.release();
        }
        return true;
    }

    private boolean fail(Slot slot, FileState state, boolean stable, String message) {
        if (!stable) {
            slot.triedUnstable = state;
            return false;
        }
        slot.attempted = state;
        LoadedModel current = slot.current;
        String reason = current == null ? message : message + " (still serving version " + current.version + ")";
        if (reason.equals(slot.failure)) {
            return false;
        }
        slot.failure = reason;
        LOG.log(System.Logger.Level.WARNING, "{0}:{1} failed to load: {2}", engineId, slot.name, reason);
        return true;
    }

    private void remove(Slot slot) {
        slots.remove(slot.name, slot);
        LoadedModel current = slot.current;
        slot.current = null;
        if (current != null) {
            LOG.log(System.Logger.Level.INFO, "{0}:{1} removed (version {2} unloads after its last use)",
                    engineId, slot.name, current.version);
            current.release();
        }
    }

    /** Publishes the voices and failures of every slot but {@code leaving}, then tells the listeners. */
    private void publish(List<Slot> leaving) {
        List<VoiceInfo> list = new ArrayList<>();
        Map<String, String> failed = new TreeMap<>();
        for (Slot slot : slots.values()) {
            if (leaving.contains(slot)) {
                continue;
            }
            LoadedModel model = slot.current;
            if (model != null) {
                list.add(info(model, engineId + ":" + slot.name, null));
                for (String speaker : model.config.speakers().keySet()) {
                    list.add(info(model, engineId + ":" + slot.name + "#" + speaker, speaker));
                }
            }
            if (slot.failure != null) {
                failed.put(engineId + ":" + slot.name, slot.failure);
            }
        }
        list.sort(Comparator.comparing(VoiceInfo::id));
        voices = List.copyOf(list);
        failures = java.util.Collections.unmodifiableMap(failed);
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a voices listener failed", e);
            }
        }
    }

    private VoiceInfo info(LoadedModel model, String id, String speaker) {
        VoiceConfig c = model.config;
        String base = c.dataset() != null ? c.dataset() : model.name;
        String display = (speaker == null ? base : base + " (" + speaker + ")")
                + ("cpu".equals(model.provider) ? "" : " [" + model.provider + "]");
        return new VoiceInfo(id, display, c.language(), Gender.UNKNOWN, c.sampleRate(), engineId,
                Integer.toString(model.version), false);
    }

    private static int speakerId(LoadedModel model, String speaker, String voiceId) {
        VoiceConfig c = model.config;
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
        c.speakers().keySet().forEach(s -> choices.add("piper:" + model.name + "#" + s));
        if (choices.isEmpty()) {
            choices.add("piper:" + model.name);
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
        String wanted = voiceId.toLowerCase(java.util.Locale.ROOT);
        List<String> close = new ArrayList<>();
        for (VoiceInfo v : voices) {
            String local = v.localName().toLowerCase(java.util.Locale.ROOT);
            if (wanted.contains(local) || local.contains(wanted.substring(wanted.indexOf(':') + 1))) {
                close.add(v.id());
            }
        }
        return new VoiceNotFoundException(voiceId, close.size() > 5 ? close.subList(0, 5) : close);
    }

    private static byte[] hash(byte[] onnx, byte[] json) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(onnx);
            sha.update((byte) 0);
            sha.update(json);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

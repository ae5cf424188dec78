package dev.chorus.onnx.reload;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One version of one voice: its model, shared by every thread, with a count of the leases that keep it loaded.
 *
 * <p>The directory holds one lease while the version is current; each {@link #retain()} adds one. When the count
 * reaches zero (or the directory closes) the version unloads: new runs are refused with a message saying to load
 * the voice again, and the model closes once the runs in progress have ended. Thread-safe.
 *
 * @param <M> the model
 */
public final class ModelVersion<M extends AutoCloseable> {

    private static final System.Logger LOG = System.getLogger(ModelVersion.class.getName());

    private final String engineId;
    private final String name;
    private final int version;
    private final VoiceFiles files;
    private final M model;
    private final Consumer<ModelVersion<M>> onClose;

    private int leases = 1;
    private int running;
    private boolean unloading;
    private boolean closed;

    ModelVersion(String engineId, String name, int version, VoiceFiles files, M model,
                 Consumer<ModelVersion<M>> onClose) {
        this.engineId = engineId;
        this.name = name;
        this.version = version;
        this.files = files;
        this.model = model;
        this.onClose = onClose;
    }

    /** Returns the voice's name. */
    public String name() {
        return name;
    }

    /** Returns the version number: 1 for the first load, then 2, 3, ... */
    public int version() {
        return version;
    }

    /** Returns the files this version was loaded from. */
    public VoiceFiles files() {
        return files;
    }

    /** Returns the primary file. */
    public Path file() {
        return files.primary();
    }

    /** Returns the model. */
    public M model() {
        return model;
    }

    /** Adds a lease unless the version has unloaded; returns whether it did. */
    public synchronized boolean retain() {
        if (unloading) {
            return false;
        }
        leases++;
        return true;
    }

    /**
     * Ends a lease; the last one unloads the version.
     *
     * @throws IllegalStateException if no lease is held
     */
    public void release() {
        boolean close;
        synchronized (this) {
            if (leases == 0) {
                throw new IllegalStateException(this + ": release() without retain()");
            }
            leases--;
            if (leases == 0) {
                unloading = true;
            }
            close = readyToClose();
        }
        if (close) {
            closeModel();
        }
    }

    /**
     * Marks the start of one run (or synthesis), which keeps the model open until {@link #end()}.
     *
     * @param voiceId the voice as the caller named it, for the message
     * @throws IllegalStateException if the version has unloaded
     */
    public synchronized void begin(String voiceId) {
        if (unloading) {
            throw new IllegalStateException("voice " + voiceId + " (version " + version + ") was unloaded: it was "
                    + "replaced, removed, or its engine closed; load it again");
        }
        running++;
    }

    /** Marks the end of a run begun with {@link #begin}. */
    public void end() {
        boolean close;
        synchronized (this) {
            running--;
            close = readyToClose();
        }
        if (close) {
            closeModel();
        }
    }

    /** Unloads now whatever the leases; the model closes after the runs in progress. */
    void unload() {
        boolean close;
        synchronized (this) {
            unloading = true;
            close = readyToClose();
        }
        if (close) {
            closeModel();
        }
    }

    /** Returns whether the version still serves runs. */
    public synchronized boolean isLive() {
        return !unloading;
    }

    /** Returns whether the model has closed. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private boolean readyToClose() {
        if (unloading && running == 0 && !closed) {
            closed = true;
            return true;
        }
        return false;
    }

    private void closeModel() {
        try {
            model.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + this + " failed", e);
        }
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return engineId + ":" + name + "@" + version;
    }
}

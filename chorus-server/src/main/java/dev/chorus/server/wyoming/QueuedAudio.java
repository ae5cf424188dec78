package dev.chorus.server.wyoming;

import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.server.internal.SlowReaderException;
import dev.chorus.service.AudioOutput;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's output for one synthesis on a Wyoming connection: the engines' threads hand their calls over
 * here and never touch the socket, so a client that does not read cannot hold an engine worker; the connection's
 * own thread takes them and writes the events.
 *
 * <p>Design: a queue whose bytes are counted. Past {@code pauseBytes} ({@code limits.stream-buffer-bytes}) the
 * output is not writable, so the synthesis pauses after the sentences already running, and resumes when the
 * connection's thread has taken the queue back below it (backpressure). As a backstop, when the audio waiting
 * for the client still passes {@code maxUnreadBytes} ({@code limits.max-unread-bytes}) the output runs
 * {@code onStall} (which closes the socket, so a writer stuck on a full socket buffer fails) and throws, which
 * stops the synthesis: a stalled reader holds bounded memory.
 */
final class QueuedAudio implements AudioOutput {

    /** One call of the pipeline, in order. */
    sealed interface Item {
    }

    /** The voice and the output rate, before any audio. */
    record Start(VoiceInfo voice, int sampleRate) implements Item {
    }

    /** PCM bytes whose first sample is {@code firstSample}. */
    record Audio(byte[] bytes, long firstSample) implements Item {
    }

    /** The last bytes and the totals. */
    record End(byte[] tail, SynthesisSummary summary) implements Item {
    }

    /** The error that ended the synthesis. */
    record Failed(ChorusException error) implements Item {
    }

    private final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final AtomicLong unread = new AtomicLong();
    private final long maxUnreadBytes;
    private final long pauseBytes;
    private final Runnable onStall;
    /** The synthesis's resume while it waits for the connection to take audio, else null. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> waiting =
            new java.util.concurrent.atomic.AtomicReference<>();

    QueuedAudio(long maxUnreadBytes, Runnable onStall) {
        this(maxUnreadBytes, Long.MAX_VALUE, onStall);
    }

    QueuedAudio(long maxUnreadBytes, long pauseBytes, Runnable onStall) {
        this.maxUnreadBytes = maxUnreadBytes;
        this.pauseBytes = pauseBytes;
        this.onStall = onStall;
    }

    @Override
    public boolean writable() {
        return unread.get() <= pauseBytes;
    }

    @Override
    public void whenWritable(Runnable resume) {
        waiting.set(resume);
        resumeIfDrained();
    }

    private void resumeIfDrained() {
        if (unread.get() <= pauseBytes) {
            Runnable r = waiting.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
    }

    @Override
    public void start(VoiceInfo voice, int sampleRate) {
        items.add(new Start(voice, sampleRate));
    }

    @Override
    public void audio(byte[] bytes, long firstSample) {
        if (unread.addAndGet(bytes.length) > maxUnreadBytes) {
            onStall.run();
            throw new SlowReaderException(maxUnreadBytes);
        }
        items.add(new Audio(bytes, firstSample));
    }

    @Override
    public void complete(byte[] tail, SynthesisSummary summary) {
        items.add(new End(tail, summary));
    }

    @Override
    public void error(ChorusException error) {
        items.add(new Failed(error));
    }

    /**
     * Returns the next item, waiting at most {@code wait}; {@code null} when none came in time. The bytes of an
     * audio item count as read once it is taken (the writer holds them).
     */
    Item take(Duration wait) throws InterruptedException {
        Item i = items.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (i instanceof Audio a) {
            unread.addAndGet(-a.bytes().length);
            resumeIfDrained();
        }
        return i;
    }
}

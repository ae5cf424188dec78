package dev.chorus.audio.internal.aac;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.audio.internal.StreamEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes AAC-LC in ADTS frames by running ffmpeg's native {@code aac} encoder as a child process.
 *
 * <p>The process starts with the encoder, so that it is ready by the time the first chunk of audio is, and reads
 * the samples on its standard input; a stream finished without samples is empty. A daemon thread reads its standard output into a bounded queue; the caller's thread moves
 * queued bytes to the output stream on every call, so the stream is only ever touched by the caller. ffmpeg
 * emits a frame of 1024 samples once it holds the next one too, and starts with one frame of priming silence
 * that ADTS cannot mark, so decoders return 1024 samples of extra silence at the start.
 *
 * <p>{@link #flush} waits, briefly, for ffmpeg to catch up with the samples written so far (all but about two
 * frames) and passes the frames on: up to 1 s, or 150 ms without progress, once ffmpeg has produced its first
 * frame, and up to 5 s for that first frame, as a busy machine may take that long to start the program. {@link #finish} closes ffmpeg's input, waits up to 30 seconds for it to
 * exit and reports its error output if it fails.
 */
public final class AacEncoder extends StreamEncoder {

    private static final int CHUNK_SAMPLES = 4096;
    private static final int QUEUE_CHUNKS = 256;
    private static final int READ_BYTES = 16384;
    private static final int STDERR_LIMIT = 16384;
    private static final int FRAME = 1024;
    /** Frames ffmpeg holds back: the one it needs as look-ahead and a partly read one. */
    private static final int FRAMES_HELD = 2;
    private static final long FLUSH_MAX_MILLIS = 1000;
    private static final long FIRST_FLUSH_MAX_MILLIS = 5000;
    private static final long FLUSH_IDLE_MILLIS = 150;
    private static final long FINISH_TIMEOUT_SECONDS = 30;
    private static final byte[] END = new byte[0];

    private final OutputStream out;
    private final EncoderOptions options;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final byte[] pcm = new byte[2 * CHUNK_SAMPLES];
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private Process process;
    private OutputStream stdin;
    private Thread stderrReader;
    private volatile long framesRead;
    private volatile IOException readFailure;
    private long samplesWritten;
    private boolean ended;
    private boolean started;

    /**
     * Creates an encoder writing to {@code out} at {@code sampleRate}, both validated by the caller, with
     * ffmpeg already known to work.
     */
    public AacEncoder(int sampleRate, OutputStream out, EncoderOptions options) {
        super(AudioEncoding.AAC, sampleRate);
        this.out = out;
        this.options = options;
        try {
            start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the ffmpeg command line that encodes {@code sampleRate} Hz mono input with {@code options}. */
    public static List<String> command(int sampleRate, EncoderOptions options) {
        return List.of(options.ffmpegProgram(), "-hide_banner", "-nostdin", "-loglevel", "error",
                "-probesize", "32", "-analyzeduration", "0",
                "-f", "s16le", "-ar", String.valueOf(sampleRate), "-ac", "1", "-i", "pipe:0",
                "-c:a", "aac", "-b:a", options.aacBitrateKbps() + "k",
                "-f", "adts", "-flush_packets", "1", "pipe:1");
    }

    @Override
    protected void encode(short[] samples, int offset, int length) throws IOException {
        while (length > 0) {
            int count = Math.min(length, CHUNK_SAMPLES);
            for (int i = 0; i < count; i++) {
                short s = samples[offset + i];
                pcm[2 * i] = (byte) s;
                pcm[2 * i + 1] = (byte) (s >> 8);
            }
            drain();
            try {
                stdin.write(pcm, 0, 2 * count);
            } catch (IOException e) {
                throw failure("ffmpeg stopped reading its input", e);
            }
            samplesWritten += count;
            offset += count;
            length -= count;
        }
        try {
            stdin.flush();
        } catch (IOException e) {
            throw failure("ffmpeg stopped reading its input", e);
        }
        drain();
    }

    @Override
    public void flush() throws IOException {
        if (isFinished()) {
            return;
        }
        long target = samplesWritten / FRAME - FRAMES_HELD;
        long start = System.nanoTime();
        long seen = framesRead;
        long limit = TimeUnit.MILLISECONDS.toNanos(seen == 0 ? FIRST_FLUSH_MAX_MILLIS : FLUSH_MAX_MILLIS);
        long lastProgress = start;
        while (framesRead < target && !ended && process.isAlive()) {
            long now = System.nanoTime();
            // Until ffmpeg's first frame (it may still be starting) only the overall limit applies.
            boolean idle = seen > 0 && now - lastProgress >= TimeUnit.MILLISECONDS.toNanos(FLUSH_IDLE_MILLIS);
            if (idle || now - start >= limit) {
                break;
            }
            byte[] bytes = poll(10);
            if (bytes != null) {
                put(bytes);
            }
            if (framesRead != seen) {
                seen = framesRead;
                lastProgress = System.nanoTime();
            }
        }
        drain();
    }

    @Override
    protected void end() throws IOException {
        try {
            stdin.close();
        } catch (IOException e) {
            throw failure("ffmpeg stopped reading its input", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FINISH_TIMEOUT_SECONDS);
        while (!ended) {
            long left = deadline - System.nanoTime();
            byte[] bytes = left <= 0 ? null : poll(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            if (bytes == null) {
                process.destroyForcibly();
                throw new IOException("ffmpeg did not finish the aac stream within " + FINISH_TIMEOUT_SECONDS
                        + " s" + stderrText());
            }
            put(bytes);
        }
        int exit;
        try {
            if (!process.waitFor(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())),
                    TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("ffmpeg did not exit within " + FINISH_TIMEOUT_SECONDS + " s" + stderrText());
            }
            exit = process.exitValue();
            stderrReader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while waiting for ffmpeg", e);
        }
        if (readFailure != null) {
            throw new IOException("could not read ffmpeg's output" + stderrText(), readFailure);
        }
        if (exit != 0) {
            throw new IOException("ffmpeg failed (exit " + exit + ")" + stderrText());
        }
    }

    @Override
    protected void release() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        // Frees a reader blocked on a full queue, so it can see the end of the output and stop.
        queue.clear();
    }

    private void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        try {
            process = new ProcessBuilder(command(sampleRate(), options)).start();
        } catch (IOException e) {
            throw new IOException("could not start ffmpeg (" + options.ffmpegProgram() + "): " + e.getMessage(), e);
        }
        stdin = process.getOutputStream();
        InputStream stdout = process.getInputStream();
        Thread.ofPlatform().daemon().name("chorus-ffmpeg-aac-out").start(() -> readOutput(stdout));
        InputStream err = process.getErrorStream();
        stderrReader = Thread.ofPlatform().daemon().name("chorus-ffmpeg-aac-err").start(() -> readErrors(err));
    }

    /** Runs on the reader thread: queues ffmpeg's output, counting ADTS frames, then an end marker. */
    private void readOutput(InputStream stdout) {
        AdtsFrameCounter counter = new AdtsFrameCounter();
        byte[] buffer = new byte[READ_BYTES];
        try (stdout) {
            int n;
            while ((n = stdout.read(buffer)) > 0) {
                byte[] bytes = Arrays.copyOf(buffer, n);
                framesRead = counter.add(bytes);
                queue.put(bytes);
            }
        } catch (IOException e) {
            readFailure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs on the error reader thread: keeps the start of what ffmpeg reports. */
    private void readErrors(InputStream err) {
        byte[] buffer = new byte[4096];
        try (err) {
            int n;
            while ((n = err.read(buffer)) > 0) {
                synchronized (stderr) {
                    int room = STDERR_LIMIT - stderr.size();
                    stderr.write(buffer, 0, Math.max(0, Math.min(room, n)));
                }
            }
        } catch (IOException e) {
            // The process ended; what was read is kept.
        }
    }

    /** Moves everything queued so far to the output stream, without waiting. */
    private void drain() throws IOException {
        byte[] bytes;
        while (!ended && (bytes = queue.poll()) != null) {
            put(bytes);
        }
    }

    private void put(byte[] bytes) throws IOException {
        if (bytes == END) {
            ended = true;
        } else {
            out.write(bytes);
        }
    }

    private byte[] poll(long millis) throws IOException {
        try {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for ffmpeg", e);
        }
    }

    private IOException failure(String what, IOException cause) {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                stderrReader.join(1000);
                return new IOException(what + " (exit " + process.exitValue() + ")" + stderrText(), cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new IOException(what + stderrText(), cause);
    }

    private String stderrText() {
        String text;
        synchronized (stderr) {
            text = stderr.toString(StandardCharsets.UTF_8).strip();
        }
        return text.isEmpty() ? "" : ": " + text;
    }

    /** Follows ADTS frame boundaries through a byte stream and counts the AAC frames (1024 samples each). */
    static final class AdtsFrameCounter {
        private final byte[] header = new byte[7];
        private int headerFill;
        private int skip;
        private long frames;

        /** Consumes {@code bytes} and returns the frames whose headers have been seen so far. */
        long add(byte[] bytes) {
            int i = 0;
            while (i < bytes.length) {
                if (skip > 0) {
                    int n = Math.min(skip, bytes.length - i);
                    skip -= n;
                    i += n;
                    continue;
                }
                header[headerFill++] = bytes[i++];
                if (headerFill == header.length) {
                    headerFill = 0;
                    int length = ((header[3] & 0x03) << 11) | ((header[4] & 0xFF) << 3) | ((header[5] & 0xFF) >> 5);
                    frames += (header[6] & 0x03) + 1;
                    skip = Math.max(0, length - header.length);
                }
            }
            return frames;
        }
    }
}

package dev.chorus.app;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Turns what native libraries write to the process's standard error (eSpeak NG prints its complaints there) into
 * log records, so a JSON log stays one JSON object per line.
 *
 * <p>How: the real standard error is duplicated to a new descriptor, which Java's own {@code System.err} and the
 * console log handlers then write to; descriptor 2 becomes the write end of a pipe, and a daemon thread reads the
 * pipe line by line into the logger {@code dev.chorus.native} (level WARNING). Lines are cut at
 * {@value #MAX_LINE} characters. Linux only (it reopens descriptors through {@code /proc/self/fd}); elsewhere, or
 * when anything fails, standard error is left as it was.
 */
final class NativeStderr {

    /** The longest native line kept; the rest of a longer line is dropped. */
    static final int MAX_LINE = 4096;

    private static final System.Logger LOG = System.getLogger("dev.chorus.native");

    private NativeStderr() {
    }

    /**
     * Captures native standard error; returns the stream that now reaches the real standard error (also set as
     * {@code System.err}), or {@code null} when capture is not possible here.
     */
    static PrintStream capture() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                || !Logging.canRetarget()) {
            return null;
        }
        try {
            Libc libc = new Libc();
            int saved = libc.dup(2);
            if (saved < 0) {
                return null;
            }
            int[] pipe = libc.pipe();
            if (pipe == null) {
                libc.close(saved);
                return null;
            }
            // Written through the descriptor itself: reopening it by path would start a regular file over at
            // offset 0 (and truncate it), where the shell's redirection appends.
            PrintStream realErr = new PrintStream(new DescriptorOutputStream(libc, saved), true,
                    StandardCharsets.UTF_8);
            FileInputStream readEnd = new FileInputStream("/proc/self/fd/" + pipe[0]);
            libc.close(pipe[0]);
            // Java's writers move to the real stderr before descriptor 2 is redirected, so none of them ever
            // writes into the pipe (which would log its own log lines).
            System.err.flush();
            System.setErr(realErr);
            Logging.retarget(realErr);
            if (libc.dup2(pipe[1], 2) < 0) {
                libc.close(pipe[1]);
                readEnd.close();
                return realErr;
            }
            libc.close(pipe[1]);
            Thread.ofPlatform().daemon().name("chorus-native-stderr").start(() -> pump(readEnd));
            return realErr;
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.DEBUG, "native standard error is not captured", e);
            return null;
        }
    }

    private static void pump(FileInputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String kept = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + " [cut]" : line;
                LOG.log(System.Logger.Level.WARNING, "native: {0}", kept.strip());
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "native standard error pipe closed", e);
        }
    }

    /** An output stream over a file descriptor number, writing with {@code write(2)}. */
    static final class DescriptorOutputStream extends java.io.OutputStream {
        private final Libc libc;
        private final int fd;

        DescriptorOutputStream(Libc libc, int fd) {
            this.libc = libc;
            this.fd = fd;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment s = a.allocate(Math.max(1, len));
                MemorySegment.copy(b, off, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, len);
                long done = 0;
                while (done < len) {
                    long n = libc.write(fd, s.asSlice(done), len - done);
                    if (n <= 0) {
                        throw new IOException("write to descriptor " + fd + " failed");
                    }
                    done += n;
                }
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException(t);
            }
        }
    }

    /** The few C library calls this needs, through FFM. */
    static final class Libc {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup C = LINKER.defaultLookup();
        private final MethodHandle dup = handle("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        private final MethodHandle dup2 = handle("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        private final MethodHandle close = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        private final MethodHandle pipe = handle("pipe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        private final MethodHandle write = handle("write",
                FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_LONG, JAVA_INT, ADDRESS,
                        java.lang.foreign.ValueLayout.JAVA_LONG));

        private static MethodHandle handle(String name, FunctionDescriptor d) {
            return LINKER.downcallHandle(C.find(name).orElseThrow(() -> new IllegalStateException("no " + name)), d);
        }

        int dup(int fd) throws Throwable {
            return (int) dup.invokeExact(fd);
        }

        int dup2(int from, int to) throws Throwable {
            return (int) dup2.invokeExact(from, to);
        }

        int close(int fd) throws Throwable {
            return (int) close.invokeExact(fd);
        }

        int[] pipe() throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment fds = a.allocate(JAVA_INT, 2);
                if ((int) pipe.invokeExact(fds) != 0) {
                    return null;
                }
                return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
            }
        }

        long write(int fd, MemorySegment bytes, long length) throws Throwable {
            return (long) write.invokeExact(fd, bytes, length);
        }

        /** Writes {@code text} to descriptor {@code fd} as native code does (no Java stream in between). */
        long write(int fd, String text) throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                MemorySegment s = a.allocate(b.length);
                s.copyFrom(MemorySegment.ofArray(b));
                return (long) write.invokeExact(fd, s, (long) b.length);
            }
        }
    }
}

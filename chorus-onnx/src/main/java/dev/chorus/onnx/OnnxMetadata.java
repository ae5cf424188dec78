package dev.chorus.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code metadata_props} of an ONNX model file (the key/value pairs sherpa-onnx writes, such as
 * {@code model_type=kokoro}) without loading the model: the protobuf fields of {@code ModelProto} are walked and the
 * graph, usually almost all of the file, is skipped by seeking past it. Cheap enough to run on every scan of a voices
 * directory to recognise a model by its contents whatever its file name.
 */
public final class OnnxMetadata {

    /** The key sherpa-onnx stores a model's kind under: {@code kokoro}, {@code matcha-tts}, {@code vits}, ... */
    public static final String MODEL_TYPE = "model_type";

    private static final int METADATA_PROPS = 14;
    private static final int MAX_VALUE_BYTES = 1 << 20;

    private OnnxMetadata() {
    }

    /**
     * Returns the metadata of {@code file}, in file order, or an empty map when the file has none.
     *
     * @throws IOException if the file cannot be read or is not a protobuf {@code ModelProto} (the message says where
     *                     it stops making sense)
     */
    public static Map<String, String> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Reader r = new Reader(ch, file);
            Map<String, String> out = new LinkedHashMap<>();
            while (r.position < r.size) {
                long tag = r.varint();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field == METADATA_PROPS && wire == 2) {
                    long len = r.varint();
                    r.entry(len, out);
                } else {
                    r.skip(wire);
                }
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /** Returns the {@value #MODEL_TYPE} of {@code file}, or empty when it has none or cannot be read. */
    public static Optional<String> modelType(Path file) {
        try {
            return Optional.ofNullable(read(file).get(MODEL_TYPE));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Reads protobuf wire data from a channel, a few bytes at a time, seeking over long fields. */
    private static final class Reader {
        private final FileChannel ch;
        private final Path file;
        private final long size;
        private final ByteBuffer one = ByteBuffer.allocate(1);
        private long position;

        Reader(FileChannel ch, Path file) throws IOException {
            this.ch = ch;
            this.file = file;
            this.size = ch.size();
        }

        private int read() throws IOException {
            if (position >= size) {
                throw bad("truncated");
            }
            one.clear();
            if (ch.read(one, position) != 1) {
                throw bad("truncated");
            }
            position++;
            return one.get(0) & 0xFF;
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw bad("a varint longer than 10 bytes");
        }

        void skip(int wire) throws IOException {
            switch (wire) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(varint());
                case 5 -> advance(4);
                default -> throw bad("wire type " + wire);
            }
        }

        private void advance(long n) throws IOException {
            if (n < 0 || position + n > size) {
                throw bad("a field runs past the end");
            }
            position += n;
        }

        /** Reads one StringStringEntryProto of {@code len} bytes. */
        void entry(long len, Map<String, String> out) throws IOException {
            long end = position + len;
            if (len < 0 || end > size) {
                throw bad("a metadata entry runs past the end");
            }
            String key = null;
            String value = "";
            while (position < end) {
                long tag = varint();
                int field = (int) (tag >>> 3);
                if ((tag & 7) == 2 && (field == 1 || field == 2)) {
                    String s = string(varint());
                    if (field == 1) {
                        key = s;
                    } else {
                        value = s;
                    }
                } else {
                    skip((int) (tag & 7));
                }
            }
            if (key != null) {
                out.put(key, value);
            }
        }

        private String string(long len) throws IOException {
            if (len < 0 || len > MAX_VALUE_BYTES || position + len > size) {
                throw bad("a metadata string of " + len + " bytes");
            }
            ByteBuffer b = ByteBuffer.allocate((int) len);
            while (b.hasRemaining()) {
                if (ch.read(b, position + b.position()) < 0) {
                    throw bad("truncated");
                }
            }
            position += len;
            return new String(b.array(), StandardCharsets.UTF_8);
        }

        private IOException bad(String what) {
            return new IOException(file + ": not an ONNX model (" + what + " at byte " + position + ")");
        }
    }
}

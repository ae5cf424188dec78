package dev.chorus.service.cache;

import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.Gender;
import dev.chorus.tts.VoiceInfo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The file form of a {@link CachedAudio} in the disk tier: a magic number and format version, the key's canonical
 * text (so a file is only ever served for its own key), the calls, and a CRC-32 of everything before it. A file
 * that is cut short, altered or of another format fails to decode and is ignored.
 */
final class CachedAudioCodec {

    private static final long MAGIC = 0x43484f5255534131L; // "CHORUSA1"
    private static final int FORMAT = 1;
    private static final int START = 1;
    private static final int WARNING = 2;
    private static final int AUDIO = 3;
    private static final int EVENT = 4;
    private static final int COMPLETE = 5;

    private CachedAudioCodec() {
    }

    /** Returns the file form of {@code audio} under {@code key}. */
    static byte[] encode(String key, CachedAudio audio) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(
                (int) Math.min(Integer.MAX_VALUE - 64, audio.bytes() + 4096));
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeLong(MAGIC);
            out.writeInt(FORMAT);
            string(out, key);
            out.writeInt(audio.calls().size());
            for (CachedAudio.Call c : audio.calls()) {
                switch (c) {
                    case CachedAudio.Call.Start s -> {
                        out.writeByte(START);
                        VoiceInfo v = s.voice();
                        string(out, v.id());
                        string(out, v.displayName());
                        string(out, v.language());
                        string(out, v.gender().name());
                        out.writeInt(v.sampleRate());
                        string(out, v.engine());
                        string(out, v.version());
                        out.writeBoolean(v.streaming());
                        out.writeInt(s.sampleRate());
                    }
                    case CachedAudio.Call.Warning w -> {
                        out.writeByte(WARNING);
                        string(out, w.text());
                    }
                    case CachedAudio.Call.Audio a -> {
                        out.writeByte(AUDIO);
                        out.writeLong(a.firstSample());
                        bytes(out, a.data());
                    }
                    case CachedAudio.Call.Event e -> {
                        out.writeByte(EVENT);
                        Timing t = e.timing();
                        out.writeByte(t.kind().ordinal());
                        string(out, t.text());
                        out.writeInt(t.sourceStart());
                        out.writeInt(t.sourceEnd());
                        out.writeLong(t.sampleOffset());
                        out.writeLong(t.timeMillis());
                        out.writeBoolean(t.estimated());
                    }
                    case CachedAudio.Call.Complete done -> {
                        out.writeByte(COMPLETE);
                        bytes(out, done.tail());
                        SynthesisSummary s = done.summary();
                        string(out, s.voice());
                        out.writeInt(s.sampleRate());
                        out.writeLong(s.samples());
                        out.writeInt(s.characters());
                        out.writeInt(s.chunks());
                        out.writeLong(s.timeToFirstAudio().toNanos());
                        out.writeLong(s.total().toNanos());
                    }
                    case CachedAudio.Call.Error e -> throw new IllegalArgumentException("a failed synthesis is "
                            + "never stored");
                }
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(buf.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return buf.toByteArray();
    }

    /**
     * Returns the recording in {@code file} when it is whole and stored under {@code key}.
     *
     * @throws IOException when the file is cut short, damaged or holds another key
     */
    static CachedAudio decode(String key, byte[] file) throws IOException {
        if (file.length < 8 + 4 + 8) {
            throw new IOException("file too short: " + file.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(file, 0, file.length - 8);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
        in.skipNBytes(file.length - 8);
        if (in.readLong() != crc.getValue()) {
            throw new IOException("checksum mismatch");
        }
        in = new DataInputStream(new ByteArrayInputStream(file, 0, file.length - 8));
        if (in.readLong() != MAGIC || in.readInt() != FORMAT) {
            throw new IOException("not a cached audio file of format " + FORMAT);
        }
        if (!string(in).equals(key)) {
            throw new IOException("file holds another key");
        }
        int n = in.readInt();
        List<CachedAudio.Call> calls = new ArrayList<>(Math.min(n, 1 << 16));
        long bytes = 0;
        boolean complete = false;
        for (int i = 0; i < n; i++) {
            CachedAudio.Call c = switch (in.readByte()) {
                case START -> new CachedAudio.Call.Start(new VoiceInfo(string(in), string(in), string(in),
                        Gender.valueOf(string(in)), in.readInt(), string(in), string(in), in.readBoolean()),
                        in.readInt());
                case WARNING -> new CachedAudio.Call.Warning(string(in));
                case AUDIO -> {
                    long first = in.readLong();
                    yield new CachedAudio.Call.Audio(bytes(in), first);
                }
                case EVENT -> new CachedAudio.Call.Event(new Timing(Timing.Kind.values()[in.readByte()], string(in),
                        in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readBoolean()));
                case COMPLETE -> {
                    complete = true;
                    yield new CachedAudio.Call.Complete(bytes(in), new SynthesisSummary(string(in), in.readInt(),
                            in.readLong(), in.readInt(), in.readInt(), Duration.ofNanos(in.readLong()),
                            Duration.ofNanos(in.readLong())));
                }
                default -> throw new IOException("unknown record type");
            };
            bytes += c.bytes();
            calls.add(c);
        }
        if (!complete || in.available() > 0) {
            throw new IOException("incomplete recording");
        }
        return new CachedAudio(calls, bytes);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        return in.readNBytes(n);
    }
}

package dev.chorus.audio.internal.opus;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Packs packets of one logical bitstream into Ogg pages (RFC 3533) and writes each page as it is closed.
 *
 * <p>Packets accumulate in the open page until {@link #closePage} or until the next one would not fit: a page
 * holds at most 255 lacing values, and this writer also closes it once it carries {@code maxPageBytes} of
 * packet data. A packet is never split across pages, so every page ends on a packet boundary and carries the
 * granule position given with its last packet.
 */
final class OggPageWriter {

    static final int FLAG_CONTINUED = 0x01;
    static final int FLAG_BOS = 0x02;
    static final int FLAG_EOS = 0x04;

    private static final int HEADER_BYTES = 27;
    private static final int MAX_SEGMENTS = 255;
    private static final int[] CRC_TABLE = crcTable();

    private final OutputStream out;
    private final int serial;
    private final int maxPageBytes;
    private int sequence;
    private boolean firstPage = true;

    private final byte[] lacing = new byte[MAX_SEGMENTS];
    private int segments;
    private byte[] body = new byte[4096];
    private int bodyLength;
    private int packets;
    private long granule;

    /**
     * Creates a writer for the stream with {@code serial}, closing pages once they carry {@code maxPageBytes}
     * of packet data.
     */
    OggPageWriter(OutputStream out, int serial, int maxPageBytes) {
        this.out = out;
        this.serial = serial;
        this.maxPageBytes = maxPageBytes;
    }

    /** Returns the number of packets in the open page. */
    int pendingPackets() {
        return packets;
    }

    /**
     * Adds a packet to the open page, first closing that page if the packet would not fit, and records
     * {@code granulePosition} as the position of the page should it end with this packet.
     *
     * @throws IllegalArgumentException if the packet alone needs more than 255 lacing values (65025 bytes)
     */
    void addPacket(byte[] data, int offset, int length, long granulePosition) throws IOException {
        int needed = length / 255 + 1;
        if (needed > MAX_SEGMENTS) {
            throw new IllegalArgumentException("packet length: " + length + " (expected: at most 65024)");
        }
        if (packets > 0 && (segments + needed > MAX_SEGMENTS || bodyLength + length > maxPageBytes)) {
            closePage(false);
        }
        for (int i = 0; i < needed - 1; i++) {
            lacing[segments++] = (byte) 255;
        }
        lacing[segments++] = (byte) (length % 255);
        if (bodyLength + length > body.length) {
            body = Arrays.copyOf(body, Math.max(2 * body.length, bodyLength + length));
        }
        System.arraycopy(data, offset, body, bodyLength, length);
        bodyLength += length;
        packets++;
        granule = granulePosition;
    }

    /**
     * Writes the open page, marked as the last of the stream if {@code endOfStream}; does nothing when it holds
     * no packet and {@code endOfStream} is false.
     */
    void closePage(boolean endOfStream) throws IOException {
        if (packets == 0 && !endOfStream) {
            return;
        }
        int flags = (firstPage ? FLAG_BOS : 0) | (endOfStream ? FLAG_EOS : 0);
        byte[] page = new byte[HEADER_BYTES + segments + bodyLength];
        page[0] = 'O';
        page[1] = 'g';
        page[2] = 'g';
        page[3] = 'S';
        page[4] = 0;
        page[5] = (byte) flags;
        putLong(page, 6, packets == 0 ? -1 : granule);
        putInt(page, 14, serial);
        putInt(page, 18, sequence);
        page[26] = (byte) segments;
        System.arraycopy(lacing, 0, page, HEADER_BYTES, segments);
        System.arraycopy(body, 0, page, HEADER_BYTES + segments, bodyLength);
        putInt(page, 22, crc(page));
        out.write(page);
        sequence++;
        firstPage = false;
        segments = 0;
        bodyLength = 0;
        packets = 0;
    }

    /** Returns the Ogg CRC-32 of {@code page}: polynomial 0x04C11DB7, initial value 0, no reflection. */
    static int crc(byte[] page) {
        int crc = 0;
        for (byte b : page) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xFF];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }

    private static void putInt(byte[] b, int pos, int v) {
        b[pos] = (byte) v;
        b[pos + 1] = (byte) (v >>> 8);
        b[pos + 2] = (byte) (v >>> 16);
        b[pos + 3] = (byte) (v >>> 24);
    }

    private static void putLong(byte[] b, int pos, long v) {
        putInt(b, pos, (int) v);
        putInt(b, pos + 4, (int) (v >>> 32));
    }
}

package dev.chorus.audio.internal.opus;

import dev.chorus.audio.AudioEncoder;
import dev.chorus.audio.EncoderOptions;
import dev.chorus.testing.Signals;
import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Ogg pages of {@link OggPageWriter} and the RFC 7845 layout of {@link OpusEncoder}'s stream. */
class OggPagesTest {

    /** One parsed page. */
    record Page(int flags, long granule, int serial, int sequence, int storedCrc, int computedCrc,
            List<byte[]> packets, boolean lastPacketContinues) {
    }

    @Test
    void crcIsTheOggPolynomialWithoutReflectionOrFinalXor() {
        // CRC-32/CKSUM ("123456789" -> 0x765E7680) is the same CRC with its final inversion.
        assertThat(OggPageWriter.crc("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(~0x765E7680);
        assertThat(OggPageWriter.crc(new byte[0])).isZero();
    }

    @Test
    void lacesPacketsOfEveryLengthAroundMultiplesOf255() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggPageWriter writer = new OggPageWriter(out, 0x1234, 1 << 20);
        int[] lengths = {0, 1, 254, 255, 256, 510, 1000};
        for (int i = 0; i < lengths.length; i++) {
            byte[] packet = new byte[lengths[i]];
            Arrays.fill(packet, (byte) i);
            writer.addPacket(packet, 0, packet.length, 100 + i);
        }
        writer.closePage(true);

        List<Page> pages = parse(out.toByteArray());
        assertThat(pages).hasSize(1);
        Page page = pages.getFirst();
        assertThat(page.flags()).isEqualTo(OggPageWriter.FLAG_BOS | OggPageWriter.FLAG_EOS);
        assertThat(page.granule()).isEqualTo(106);
        assertThat(page.serial()).isEqualTo(0x1234);
        assertThat(page.storedCrc()).isEqualTo(page.computedCrc());
        assertThat(page.packets()).extracting(p -> p.length).containsExactly(0, 1, 254, 255, 256, 510, 1000);
        assertThat(page.lastPacketContinues()).isFalse();
    }

    @Test
    void startsANewPageWhenTheLacingTableOrTheByteLimitIsFull() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggPageWriter writer = new OggPageWriter(out, 7, 4096);
        byte[] packet = new byte[300];
        for (int i = 0; i < 20; i++) {
            writer.addPacket(packet, 0, packet.length, i + 1);
        }
        byte[] small = new byte[10];
        for (int i = 0; i < 300; i++) {
            writer.addPacket(small, 0, small.length, 1000 + i);
        }
        writer.closePage(true);

        // 13 x 300 bytes reach the 4096-byte limit; then 7 x 300 and 199 x 10; the last page holds the rest.
        List<Page> pages = parse(out.toByteArray());
        assertThat(pages).extracting(Page::sequence).containsExactly(0, 1, 2);
        assertThat(pages).extracting(p -> p.packets().size()).containsExactly(13, 7 + 199, 101);
        assertThat(pages).extracting(Page::granule).containsExactly(13L, 1198L, 1299L);

        ByteArrayOutputStream manySmall = new ByteArrayOutputStream();
        OggPageWriter lacingBound = new OggPageWriter(manySmall, 7, 1 << 20);
        for (int i = 0; i < 300; i++) {
            lacingBound.addPacket(small, 0, small.length, i);
        }
        lacingBound.closePage(false);
        assertThat(parse(manySmall.toByteArray())).extracting(p -> p.packets().size()).containsExactly(255, 45);
    }

    @Test
    void rejectsAPacketTooLongForOnePage() {
        OggPageWriter writer = new OggPageWriter(new ByteArrayOutputStream(), 1, 1 << 20);
        assertThatThrownBy(() -> writer.addPacket(new byte[65025], 0, 65025, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("packet length: 65025 (expected: at most 65024)");
    }

    @ParameterizedTest(name = "{0} samples at {1} Hz, flushing every {2} writes")
    @CsvSource({"60000, 24000, 0", "60000, 24000, 1", "16000, 16000, 3", "44100, 44100, 2", "1, 24000, 1",
        "0, 24000, 0", "57600, 48000, 0"})
    void writesTheHeadersThenAudioPagesWithGranulesEndingAtPreSkipPlusTheInput(int samples, int rate,
            int flushEvery) throws IOException {
        short[] input = Signals.sine(300, rate, samples, 8000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int preSkip;
        try (OpusEncoder encoder = new OpusEncoder(rate, out, EncoderOptions.defaults())) {
            preSkip = encoder.preSkip();
            int writes = 0;
            for (int i = 0; i < samples; i += 2400) {
                encoder.write(input, i, Math.min(2400, samples - i));
                if (flushEvery > 0 && ++writes % flushEvery == 0) {
                    encoder.flush();
                }
            }
        }

        List<Page> pages = parse(out.toByteArray());
        assertThat(preSkip).isEqualTo(312);
        assertThat(pages.size()).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < pages.size(); i++) {
            Page page = pages.get(i);
            assertThat(page.sequence()).as("sequence of page %d", i).isEqualTo(i);
            assertThat(page.serial()).as("serial of page %d", i).isEqualTo(pages.getFirst().serial());
            assertThat(page.storedCrc()).as("CRC of page %d", i).isEqualTo(page.computedCrc());
            assertThat(page.flags()).as("flags of page %d", i).isEqualTo(
                    (i == 0 ? OggPageWriter.FLAG_BOS : 0) | (i == pages.size() - 1 ? OggPageWriter.FLAG_EOS : 0));
            assertThat(page.packets()).as("packets of page %d", i).isNotEmpty();
            assertThat(page.lastPacketContinues()).isFalse();
        }

        Page head = pages.get(0);
        assertThat(head.packets()).hasSize(1);
        assertThat(head.granule()).isZero();
        ByteBuffer h = ByteBuffer.wrap(head.packets().getFirst()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(h.capacity()).isEqualTo(19);
        assertThat(new String(h.array(), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("OpusHead");
        assertThat(h.get(8)).as("version").isEqualTo((byte) 1);
        assertThat(h.get(9)).as("channels").isEqualTo((byte) 1);
        assertThat(h.getShort(10)).as("pre-skip").isEqualTo((short) preSkip);
        assertThat(h.getInt(12)).as("input sample rate").isEqualTo(rate);
        assertThat(h.getShort(16)).as("output gain").isZero();
        assertThat(h.get(18)).as("mapping family").isZero();

        Page tags = pages.get(1);
        assertThat(tags.packets()).hasSize(1);
        assertThat(tags.granule()).isZero();
        ByteBuffer t = ByteBuffer.wrap(tags.packets().getFirst()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(t.array(), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("OpusTags");
        int vendorLength = t.getInt(8);
        assertThat(new String(t.array(), 12, vendorLength, StandardCharsets.UTF_8)).isEqualTo("Chorus");
        assertThat(t.getInt(12 + vendorLength)).as("comment count").isZero();
        assertThat(t.capacity()).isEqualTo(16 + vendorLength);

        long at48k = (long) Math.ceil(samples * 48000.0 / rate);
        long packetSamples = 0;
        long previous = 0;
        for (Page page : pages.subList(2, pages.size())) {
            packetSamples += 960L * page.packets().size();
            long expected = page == pages.getLast() ? preSkip + at48k : packetSamples;
            assertThat(page.granule()).as("granule of page %d", page.sequence()).isEqualTo(expected);
            assertThat(page.granule()).isGreaterThanOrEqualTo(previous);
            previous = page.granule();
            for (byte[] packet : page.packets()) {
                assertThat(packet.length).isBetween(1, 1275);
                assertThat((packet[0] & 0x03)).as("TOC: one frame per packet").isZero();
            }
        }
        assertThat(packetSamples).as("packets cover pre-skip and the input with less than a frame to spare")
                .isGreaterThanOrEqualTo(preSkip + at48k).isLessThan(preSkip + at48k + 960);
    }

    @Test
    void flushClosesThePageSoEveryWriteLeavesOnItsOwnPage() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        short[] chunk = new short[4800];
        try (AudioEncoder encoder = AudioEncoder.create(AudioEncoding.OPUS, 24000, out)) {
            for (int i = 0; i < 5; i++) {
                encoder.write(chunk, 0, chunk.length);
                encoder.flush();
                encoder.flush();
                assertThat(parse(out.toByteArray())).as("pages after write %d", i).hasSize(3 + i);
            }
        }
    }

    /** Parses a sequence of Ogg pages, reassembling each page's packets (none continues across pages here). */
    static List<Page> parse(byte[] bytes) {
        List<Page> pages = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        while (pos < bytes.length) {
            assertThat(new String(bytes, pos, 4, StandardCharsets.US_ASCII)).as("capture pattern at %d", pos)
                    .isEqualTo("OggS");
            assertThat(bytes[pos + 4]).as("version").isZero();
            int flags = bytes[pos + 5];
            long granule = b.getLong(pos + 6);
            int serial = b.getInt(pos + 14);
            int sequence = b.getInt(pos + 18);
            int crc = b.getInt(pos + 22);
            int segments = bytes[pos + 26] & 0xFF;
            int bodyLength = 0;
            List<byte[]> packets = new ArrayList<>();
            int packetStart = pos + 27 + segments;
            int packetLength = 0;
            boolean continues = false;
            for (int s = 0; s < segments; s++) {
                int lace = bytes[pos + 27 + s] & 0xFF;
                packetLength += lace;
                bodyLength += lace;
                continues = lace == 255;
                if (lace < 255) {
                    packets.add(Arrays.copyOfRange(bytes, packetStart, packetStart + packetLength));
                    packetStart += packetLength;
                    packetLength = 0;
                }
            }
            int pageLength = 27 + segments + bodyLength;
            byte[] page = Arrays.copyOfRange(bytes, pos, pos + pageLength);
            Arrays.fill(page, 22, 26, (byte) 0);
            pages.add(new Page(flags, granule, serial, sequence, crc, OggPageWriter.crc(page), packets, continues));
            pos += pageLength;
        }
        return pages;
    }
}

package dev.chorus.server;

import dev.chorus.service.cache.AudioCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The disk tier of the audio cache: entries survive a restart, damaged or cut-short files are ignored (and
 * replaced), and the directory stays within its byte bound by dropping the least recently used files.
 */
class AudioCacheDiskTest {

    @TempDir
    Path dir;

    private static ChorusServerExtension server(Path dir, long diskBytes) throws Exception {
        ChorusServerExtension s = ChorusServerExtension.of(List.of(new CountingEngineProvider()),
                r -> r.workers("counting", 1).defaultVoice("counting:tone"), b -> b,
                c -> c.warmUp(false).cache(true).cacheDisk(dir, diskBytes));
        s.beforeAll(null);
        return s;
    }

    private static HttpResponse<byte[]> speak(ChorusServerExtension s, String text) throws Exception {
        return s.http().send(HttpRequest.newBuilder(s.uri("/v1/audio/speech")).POST(HttpRequest.BodyPublishers
                        .ofString("{\"input\":" + Http.quote(text) + ",\"response_format\":\"wav\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".audio")).toList();
        }
    }

    @Test
    void entriesSurviveARestartAndDamagedFilesAreIgnored() throws Exception {
        String kept = "Stored on disk. Read back after a restart.";
        String damaged = "This file gets damaged. Made again after the restart.";
        ChorusServerExtension first = server(dir, 10_000_000);
        HttpResponse<byte[]> original;
        HttpResponse<byte[]> originalDamaged;
        Path damagedFile;
        byte[] whole;
        try {
            original = speak(first, kept);
            first.server().cache().flush();
            Path keptFile = files().getFirst();
            originalDamaged = speak(first, damaged);
            first.server().cache().flush();
            assertThat(original.headers().firstValue(AudioCache.HEADER)).hasValue("miss");
            assertThat(files()).hasSize(2);
            damagedFile = files().stream().filter(f -> !f.equals(keptFile)).findFirst().orElseThrow();
            whole = Files.readAllBytes(damagedFile);
        } finally {
            first.afterAll(null);
        }
        // Cut one file short, as a crash during a copy would, and leave a stranger's file beside them.
        Files.write(damagedFile, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "not audio");
        int keptCalls = CountingEngineProvider.calls("Stored on disk.");
        int damagedCalls = CountingEngineProvider.calls("This file gets damaged.");

        ChorusServerExtension second = server(dir, 10_000_000);
        try {
            HttpResponse<byte[]> again = speak(second, kept);
            assertThat(again.headers().firstValue(AudioCache.HEADER)).hasValue("hit");
            assertThat(again.body()).isEqualTo(original.body());
            assertThat(CountingEngineProvider.calls("Stored on disk.")).isEqualTo(keptCalls);

            HttpResponse<byte[]> remade = speak(second, damaged);
            assertThat(remade.statusCode()).isEqualTo(200);
            assertThat(remade.headers().firstValue(AudioCache.HEADER)).hasValue("miss");
            assertThat(remade.body()).isEqualTo(originalDamaged.body());
            assertThat(CountingEngineProvider.calls("This file gets damaged.")).isEqualTo(damagedCalls + 1);
            second.server().cache().flush();
            // Written whole again (only the recorded synthesis times differ, and they have a fixed width).
            assertThat(Files.size(damagedFile)).isEqualTo(whole.length);
            assertThat(Files.readString(foreign)).as("files that are not entries are left alone")
                    .isEqualTo("not audio");
        } finally {
            second.afterAll(null);
        }
    }

    @Test
    void theDirectoryStaysWithinItsBoundDroppingTheLeastRecentlyUsed() throws Exception {
        // Each response is 4 words of 50 ms at 16 kHz: 6444 bytes of WAV, a little more on disk.
        ChorusServerExtension s = server(dir, 20_000);
        try {
            speak(s, "Bounded entry number zero.");
            for (int i = 1; i <= 5; i++) {
                speak(s, "Bounded entry number " + i + ".");
                s.server().cache().flush();
            }
            long total = 0;
            for (Path p : files()) {
                total += Files.size(p);
            }
            assertThat(total).isLessThanOrEqualTo(20_000);
            assertThat(files()).hasSizeBetween(1, 3);
            String metrics = new String(Http.get(s, "/metrics").body());
            assertThat(metrics)
                    .containsPattern("chorus_cache_evictions_total\\{level=\"response\",tier=\"disk\"} [1-9]");
        } finally {
            s.afterAll(null);
        }
    }
}

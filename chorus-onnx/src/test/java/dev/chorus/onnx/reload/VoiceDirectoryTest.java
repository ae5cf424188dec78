package dev.chorus.onnx.reload;

import dev.chorus.onnx.ScaleModel;
import dev.chorus.tts.VoiceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Versioned hot reload of a voices directory, for a family the plumbing knows nothing about. */
class VoiceDirectoryTest {

    private final ScaleFamily family = new ScaleFamily();

    private static void install(Path dir, String name, float factor, String rate) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("en").resolve(name));
        Files.writeString(sub.resolve(name + ".rate"), rate);
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.write(tmp, ScaleModel.bytes(factor));
        Files.move(tmp, sub.resolve(name + ".scale.onnx"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private VoiceDirectory<ScaleModel> open(Path dir, Duration interval) {
        VoiceDirectory<ScaleModel> d = VoiceDirectory.builder(family).directories(List.of(dir))
                .scanInterval(interval).build();
        d.start();
        return d;
    }

    private static float[] speak(VoiceDirectory<ScaleModel> d, String name) throws Exception {
        ModelVersion<ScaleModel> v = d.current(name).orElseThrow();
        v.begin("scale:" + name);
        try {
            return v.model().run(1, 2);
        } finally {
            v.end();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(until);
            Thread.sleep(20);
        }
    }

    @Test
    void newContentIsANewVersionAndALeasedOldVersionKeepsWorking(@TempDir Path dir) throws Exception {
        install(dir, "alto", 2, "16000");
        try (VoiceDirectory<ScaleModel> d = open(dir, Duration.ZERO)) {
            assertThat(d.voices()).extracting(VoiceInfo::id, VoiceInfo::version).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("scale:alto", "1"));
            assertThat(speak(d, "alto")).containsExactly(2, 4);
            ModelVersion<ScaleModel> first = d.current("alto").orElseThrow();
            assertThat(first.retain()).isTrue();

            install(dir, "alto", 3, "16000");
            assertThat(d.reload("alto")).isTrue();
            assertThat(d.current("alto").orElseThrow().version()).isEqualTo(2);
            assertThat(speak(d, "alto")).containsExactly(3, 6);
            // Still leased: version 1 answers by number and runs.
            assertThat(d.version("alto", 1)).containsSame(first);
            first.begin("scale:alto@1");
            assertThat(first.model().run(1)).containsExactly(2);
            first.end();
            first.release();
            assertThat(first.isClosed()).isTrue();
            assertThat(d.version("alto", 1)).isEmpty();
            assertThatThrownBy(() -> first.begin("scale:alto@1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("load it again");

            // The same bytes again (touched, or copied anew) are not a new version.
            Path model = dir.resolve("en/alto/alto.scale.onnx");
            Files.setLastModifiedTime(model, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            d.reload("alto");
            assertThat(d.current("alto").orElseThrow().version()).isEqualTo(2);
            assertThat(family.loads.get()).isEqualTo(2);
        }
        assertThat(family.closed.get()).isEqualTo(2);
    }

    @Test
    void aBrokenChangeIsReportedWithItsFileAndThePreviousVersionServes(@TempDir Path dir) throws Exception {
        install(dir, "alto", 2, "16000");
        install(dir, "bass", 5, "16000");
        try (VoiceDirectory<ScaleModel> d = open(dir, Duration.ZERO)) {
            Files.writeString(dir.resolve("en/alto/alto.rate"), "fast");
            Files.write(dir.resolve("en/bass/bass.scale.onnx"), ScaleModel.bytes(1, "x", 7, 1L, "n"));
            install(dir, "new", 1, "8000");
            Files.writeString(dir.resolve("en/new/new.rate"), "");
            d.reloadAll();
            assertThat(d.failures()).containsOnlyKeys("scale:alto", "scale:bass", "scale:new");
            assertThat(d.failures().get("scale:alto")).isEqualTo(dir.resolve("en/alto/alto.rate")
                    + ": 'fast' (expected: a sample rate in Hz) (still serving version 1)");
            assertThat(d.failures().get("scale:bass")).isEqualTo(dir.resolve("en/bass/bass.scale.onnx")
                    + ": input 'x' has type INT64[1,?] (expected: FLOAT[1,?]) (still serving version 1)");
            assertThat(d.failures().get("scale:new")).doesNotContain("still serving");
            assertThat(d.voices()).extracting(VoiceInfo::id).containsExactly("scale:alto", "scale:bass");
            assertThat(speak(d, "alto")).containsExactly(2, 4);
            assertThat(d.failure("new")).isPresent();
            assertThat(d.current("new")).isEmpty();

            install(dir, "alto", 4, "16000");
            d.reload("alto");
            assertThat(d.failures()).doesNotContainKey("scale:alto");
            assertThat(d.current("alto").orElseThrow().version()).isEqualTo(2);
        }
    }

    @Test
    void theWatcherLoadsChangesAndWaitsForCopiesToFinish(@TempDir Path dir) throws Exception {
        install(dir, "alto", 2, "16000");
        AtomicInteger changes = new AtomicInteger();
        try (VoiceDirectory<ScaleModel> d = open(dir, Duration.ofMillis(300))) {
            d.addListener(changes::incrementAndGet);
            // A model without its rate file yet: a copy in progress, not reported until it stays so.
            Files.createDirectories(dir.resolve("en/bass"));
            Files.write(dir.resolve("en/bass/bass.scale.onnx"), ScaleModel.bytes(5));
            assertThat(d.failures()).isEmpty();
            await(() -> d.failures().containsKey("scale:bass"));
            assertThat(d.failures().get("scale:bass")).isEqualTo(dir.resolve("en/bass/bass.rate")
                    + ": missing (expected: its sample rate beside bass.scale.onnx)");
            Files.writeString(dir.resolve("en/bass/bass.rate"), "16000");
            // The failure clears when the new list is published, just after the version became current.
            await(() -> d.current("bass").isPresent() && d.failures().isEmpty());
            assertThat(speak(d, "bass")).containsExactly(5, 10);

            install(dir, "alto", 3, "16000");
            await(() -> d.current("alto").orElseThrow().version() == 2);
            ModelVersion<ScaleModel> alto = d.current("alto").orElseThrow();
            Files.delete(dir.resolve("en/alto/alto.scale.onnx"));
            // Unlisted first, then unloaded: once it no longer loads it is no longer listed.
            await(() -> d.current("alto").isEmpty());
            assertThat(d.voices()).extracting(VoiceInfo::id).containsExactly("scale:bass");
            await(alto::isClosed);
            assertThat(changes.get()).isGreaterThanOrEqualTo(4);

            // Numbers are never reused: the voice comes back as version 3.
            install(dir, "alto", 2, "16000");
            await(() -> d.current("alto").isPresent());
            assertThat(d.current("alto").orElseThrow().version()).isEqualTo(3);
        }
    }

    @Test
    void namesThatCannotBeIdsAreIgnoredAndTheFirstDirectoryWins(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        install(first, "alto", 2, "16000");
        install(second, "alto", 3, "16000");
        install(second, "bad@name", 1, "16000");
        VoiceDirectory<ScaleModel> d = VoiceDirectory.builder(family).directories(List.of(first, second))
                .scanInterval(Duration.ZERO).build();
        try (d) {
            d.start();
            assertThat(d.voices()).extracting(VoiceInfo::id).containsExactly("scale:alto");
            assertThat(speak(d, "alto")).containsExactly(2, 4);
        }
        assertThatThrownBy(() -> VoiceDirectory.builder(family).scanInterval(Duration.ZERO)
                .scanInterval(Duration.ofSeconds(1))).hasMessage("scanInterval was already set to PT0S");
    }
}

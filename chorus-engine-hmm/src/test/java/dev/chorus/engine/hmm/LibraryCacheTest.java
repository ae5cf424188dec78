package dev.chorus.engine.hmm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Extracting bundled jars into the cache folder, once, atomically. */
class LibraryCacheTest {

    @TempDir
    Path root;

    private final Map<String, byte[]> bundle = new LinkedHashMap<>();

    private LibraryCache.Source source() {
        return name -> {
            byte[] data = bundle.get(name);
            if (data == null) {
                throw new IOException("no " + name);
            }
            return new ByteArrayInputStream(data);
        };
    }

    private void bundle(String... names) throws Exception {
        StringBuilder index = new StringBuilder();
        for (String name : names) {
            byte[] data = ("contents of " + name).getBytes(StandardCharsets.UTF_8);
            bundle.put(name, data);
            index.append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)))
                    .append("  ").append(name).append('\n');
        }
        bundle.put("index.txt", index.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void extractsOnceIntoAFolderNamedAfterTheIndex() throws Exception {
        bundle("a.jar", "b.jar");
        Path first = new LibraryCache(root).extract(source());
        assertThat(first.getParent()).isEqualTo(root);
        assertThat(first.getFileName().toString()).matches("[0-9a-f]{16}");
        assertThat(first.resolve("a.jar")).hasContent("contents of a.jar");
        assertThat(first.resolve("index.txt")).exists();

        bundle.remove("a.jar"); // a second extraction would fail: it must not happen
        assertThat(new LibraryCache(root).extract(source())).isEqualTo(first);
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries).containsExactly(first); // no temporary folders left behind
        }
    }

    @Test
    void aDifferentBundleGetsAnotherFolder() throws Exception {
        bundle("a.jar");
        Path first = new LibraryCache(root).extract(source());
        bundle("a.jar", "c.jar");
        assertThat(new LibraryCache(root).extract(source())).isNotEqualTo(first);
    }

    @Test
    void rejectsAJarThatDoesNotMatchItsHash() throws Exception {
        bundle("a.jar");
        bundle.put("a.jar", "tampered".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new LibraryCache(root).extract(source()))
                .isInstanceOf(IOException.class).hasMessageContaining("a.jar has SHA-256");
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void replacesADamagedCopy() throws Exception {
        bundle("a.jar", "b.jar");
        Path first = new LibraryCache(root).extract(source());
        Files.delete(first.resolve("b.jar"));
        assertThat(new LibraryCache(root).extract(source())).isEqualTo(first);
        assertThat(first.resolve("b.jar")).hasContent("contents of b.jar");
    }

    @Test
    void concurrentExtractionsAgreeOnOneCompleteFolder() throws Exception {
        bundle("a.jar", "b.jar", "c.jar");
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Callable<Path> extract = () -> {
                start.await();
                return new LibraryCache(root).extract(source());
            };
            List<Future<Path>> results = IntStream.range(0, threads).mapToObj(i -> pool.submit(extract)).toList();
            start.countDown();
            Path expected = results.getFirst().get();
            for (Future<Path> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
            assertThat(expected.resolve("c.jar")).hasContent("contents of c.jar");
            try (Stream<Path> entries = Files.list(root)) {
                assertThat(entries).containsExactly(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.chorus.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Checks the promises every {@link PreparedText} keeps, whatever the input. */
final class ChunkAssertions {

    private ChunkAssertions() {
    }

    static List<String> texts(PreparedText prepared) {
        return prepared.chunks().stream().map(TextChunk::text).toList();
    }

    static void assertWellFormed(PreparedText prepared, int maxChunkChars, int firstChunkMaxChars) {
        String normalized = prepared.normalized();
        int previousEnd = 0;
        for (int i = 0; i < prepared.chunks().size(); i++) {
            TextChunk chunk = prepared.chunks().get(i);
            assertThat(chunk.text()).isEqualTo(normalized.substring(chunk.start(), chunk.end()));
            assertThat(chunk.text()).isNotBlank().isEqualTo(chunk.text().strip());
            assertThat(chunk.start()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(normalized.substring(previousEnd, chunk.start())).isBlank();
            assertThat(chunk.text().length()).isLessThanOrEqualTo(i == 0 ? firstChunkMaxChars : maxChunkChars);
            previousEnd = chunk.end();
        }
        assertThat(normalized.substring(previousEnd)).isBlank();
        assertThat(withoutSpaces(String.join("", texts(prepared)))).isEqualTo(withoutSpaces(normalized));
    }

    static String withoutSpaces(String s) {
        return s.replaceAll("\\s+", "");
    }
}

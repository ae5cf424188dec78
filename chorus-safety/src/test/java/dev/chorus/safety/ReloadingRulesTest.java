package dev.chorus.safety;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReloadingRulesTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();

    private static int count(ReloadingRules r, String text) {
        return r.current().scan(SourceText.plain(text), Duration.ofMillis(50)).findings().size();
    }

    private void write(Path f, String yaml, long stampMillis) throws IOException {
        Files.writeString(f, yaml);
        Files.setLastModifiedTime(f, FileTime.fromMillis(stampMillis));
    }

    @Test
    void reloadsAChangedFileAndKeepsTheOldRulesWhenItBreaks() throws IOException {
        Path f = dir.resolve("rules.yaml");
        write(f, "rules: [{id: a, category: x, terms: [apple]}]", 1_000);
        ReloadingRules r = ReloadingRules.open(f, Duration.ofSeconds(1), clock::get);
        assertThat(count(r, "an apple, a pear")).isEqualTo(1);

        write(f, "rules: [{id: a, category: x, terms: [apple, pear]}]", 2_000);
        assertThat(count(r, "an apple, a pear")).as("not checked before the interval").isEqualTo(1);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(count(r, "an apple, a pear")).isEqualTo(2);
        assertThat(r.lastError()).isNull();

        write(f, "rules: [{id: a, category: x, terms: [apple, pear], patterns: ['(']}]", 3_000);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(count(r, "an apple, a pear")).isEqualTo(2);
        assertThat(r.lastError()).contains("rule 'a' pattern");

        write(f, "rules: [{id: b, category: x, terms: [plum]}]", 4_000);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(count(r, "an apple, a pear, a plum")).isEqualTo(1);
        assertThat(r.lastError()).isNull();
    }

    @Test
    void aBrokenFirstLoadFails() throws IOException {
        Path f = dir.resolve("bad.yaml");
        write(f, "rules: 3", 1_000);
        assertThatThrownBy(() -> ReloadingRules.open(f, Duration.ZERO)).hasMessageContaining("bad.yaml: rules");
        assertThatThrownBy(() -> ReloadingRules.open(dir.resolve("missing.yaml"), Duration.ZERO))
                .hasMessageContaining("cannot read");
    }
}

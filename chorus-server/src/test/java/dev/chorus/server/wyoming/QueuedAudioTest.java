package dev.chorus.server.wyoming;

import dev.chorus.server.internal.SlowReaderException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueuedAudioTest {

    @Test
    void audioPastTheUnreadLimitClosesTheConnectionAndStopsTheSynthesis() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        QueuedAudio q = new QueuedAudio(100_000, () -> closed.set(true));
        byte[] block = new byte[40_000];
        q.audio(block, 0);
        q.audio(block, 20_000);
        assertThat(closed).isFalse();
        // Taking one block makes room for another: only what waits unread counts.
        assertThat(q.take(Duration.ofSeconds(1))).isInstanceOf(QueuedAudio.Audio.class);
        q.audio(block, 40_000);
        assertThatThrownBy(() -> q.audio(block, 60_000)).isInstanceOf(SlowReaderException.class)
                .hasMessageContaining("100000");
        assertThat(closed).isTrue();
    }

    @Test
    void pastThePauseMarkTheOutputIsNotWritableUntilTheConnectionTakesTheAudio() throws Exception {
        QueuedAudio q = new QueuedAudio(1_000_000, 50_000, () -> { });
        q.audio(new byte[40_000], 0);
        assertThat(q.writable()).isTrue();
        q.audio(new byte[40_000], 20_000);
        assertThat(q.writable()).isFalse();
        AtomicBoolean resumed = new AtomicBoolean();
        q.whenWritable(() -> resumed.set(true));
        assertThat(resumed).isFalse();
        assertThat(q.take(Duration.ofMillis(10))).isInstanceOf(QueuedAudio.Audio.class);
        assertThat(q.writable()).isTrue();
        assertThat(resumed).isTrue();
    }

    @Test
    void anEmptyQueueAnswersNullAfterTheWait() throws Exception {
        assertThat(new QueuedAudio(100_000, () -> { }).take(Duration.ofMillis(10))).isNull();
    }
}

package dev.chorus.runtime;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Leases keep a voice usable through unloads and replacements, counted once, with one engine retain per copy. */
class VoiceLeaseTest {

    private final VersionedEngine engine = new VersionedEngine();
    private final EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine))
            .defaultVoice("ver:alto").workers("ver", 1).build();

    @AfterEach
    void close() {
        registry.close();
    }

    private static int level(Voice voice) {
        short[] first = new short[1];
        voice.synthesize("Hello.", SynthesisOptions.defaults(), (samples, offset, length) -> {
            first[0] = samples[offset];
            return AudioSink.Action.STOP;
        });
        return first[0];
    }

    @Test
    void leasesOfOneCopyShareItAndTheEngineSeesOneRetainWhileAnyIsOpen() {
        VoiceInfo alto = registry.resolve("ver:alto");
        VoiceLease a = registry.acquire(alto);
        VoiceLease b = registry.acquire(alto);
        VoiceLease c = registry.acquire(alto);
        assertThat(b.voice()).isSameAs(a.voice()).isSameAs(c.voice());
        VersionedVoice copy = (VersionedVoice) a.voice();
        assertThat(copy.retains.get()).isEqualTo(1);

        a.close();
        a.close(); // A second close ends nothing more: b and c still hold the copy.
        b.close();
        assertThat(copy.releases.get()).isZero();
        c.close();
        assertThat(copy.releases.get()).isEqualTo(1);
        assertThat(copy.closed).as("still the current version: stays loaded").isFalse();
        assertThat(registry.loadedVoices()).containsExactly("ver:alto@1");
    }

    @Test
    void anUnloadedVoiceServesItsLeasesAndClosesAfterTheLast() {
        VoiceLease lease = registry.acquire(registry.resolve("ver:alto"));
        assertThat(registry.unload("ver:alto")).isTrue();
        assertThat(registry.loadedVoices()).isEmpty();
        assertThat(level(lease.voice())).isEqualTo(100);

        lease.close();
        assertThat(((VersionedVoice) lease.voice()).closed).isTrue();
        try (VoiceLease again = registry.acquire(registry.resolve("ver:alto"))) {
            assertThat(again.voice()).isNotSameAs(lease.voice());
            assertThat(level(again.voice())).isEqualTo(100);
        }
        assertThat(registry.loads()).isEqualTo(2);
    }

    @Test
    void aReplacedVoiceKeepsSpeakingItsVersionUntilItsLastLeaseCloses() {
        VoiceLease old = registry.acquire(registry.resolve("ver:alto"));
        engine.replace(true);
        assertThat(registry.resolve("ver:alto").version()).isEqualTo("2");
        assertThat(registry.loadedVoices()).doesNotContain("ver:alto@1");

        assertThat(level(old.voice())).as("the request keeps version 1").isEqualTo(100);
        try (VoiceLease current = registry.acquire(registry.resolve("ver:alto"))) {
            assertThat(current.info().version()).isEqualTo("2");
            assertThat(level(current.voice())).isEqualTo(200);
        }
        VersionedVoice v1 = (VersionedVoice) old.voice();
        assertThat(v1.closed).isFalse();
        old.close();
        assertThat(v1.closed).isTrue();
        assertThat(v1.retains.get()).isEqualTo(v1.releases.get()).isEqualTo(1);
        assertThat(registry.reloads()).isEqualTo(1);
    }

    @Test
    void aCopyTheEngineUnloadedBeforeSayingSoIsReplacedByTheCurrentVersion() {
        VoiceInfo v1 = registry.resolve("ver:alto");
        registry.acquire(v1).close();
        engine.replace(false); // The engine has version 2 now, but has not told the registry yet.

        try (VoiceLease lease = registry.acquire(v1)) {
            assertThat(lease.info().version()).isEqualTo("2");
            assertThat(level(lease.voice())).isEqualTo(200);
        }
        assertThat(registry.loadedVoices()).containsExactly("ver:alto@2");
        assertThat(engine.loaded.getFirst().closed).isTrue();
    }

    @Test
    void aRunHoldsItsVoiceAcrossAReplacementBetweenSentencesAndLetsItGoWhenItEnds() throws Exception {
        try (Synthesizer synth = Synthesizer.builder().registry(registry).lookahead(1).build()) {
            engine.gate = new CountDownLatch(1);
            RecordingListener l = new RecordingListener();
            SynthesisHandle run = synth.start(SynthesisRequest.of("First one. Second one.", "ver:alto"), l);
            assertThat(engine.entered.await(10, TimeUnit.SECONDS)).isTrue();
            engine.replace(true);
            engine.gate.countDown();
            run.completion().get(10, TimeUnit.SECONDS);

            assertThat(l.error).isNull();
            assertThat(l.levels()).as("both sentences in version 1").containsExactly(100);
            assertThat(l.samples).hasSize(2 * 160);
            assertThat(engine.loaded.getFirst().closed).as("closed when the run ended").isTrue();
            RecordingListener next = new RecordingListener();
            synth.start(SynthesisRequest.of("Third one.", "ver:alto"), next).completion().get(10, TimeUnit.SECONDS);
            assertThat(next.levels()).containsExactly(200);
        }
    }

    @Test
    void aVoiceThatIsGoneCannotBeLeased() {
        VoiceInfo v1 = registry.resolve("ver:alto");
        engine.remove();
        assertThatThrownBy(() -> registry.acquire(v1)).isInstanceOf(VoiceNotFoundException.class);
    }

    /**
     * One voice, {@code ver:alto}, whose version the test replaces, like an engine that reloads changed files:
     * version n speaks a constant level of 100 n; a replaced copy refuses {@link Voice#retain()} once nothing
     * retains it, and a closed copy refuses to speak.
     */
    static final class VersionedEngine implements TtsEngineProvider, TtsEngine {
        final List<VersionedVoice> loaded = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate;
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        private volatile int version = 1;
        private volatile boolean removed;

        @Override
        public String id() {
            return "ver";
        }

        @Override
        public TtsEngine open(EngineContext context) {
            return this;
        }

        @Override
        public String description() {
            return "versioned test voices";
        }

        private VoiceInfo info() {
            return new VoiceInfo("ver:alto", "Alto", "en-US", null, 16_000, "ver", Integer.toString(version), true);
        }

        @Override
        public List<VoiceInfo> voices() {
            return removed ? List.of() : List.of(info());
        }

        @Override
        public Voice load(String voiceId) {
            if (removed || !voiceId.equals("ver:alto")) {
                throw new VoiceNotFoundException(voiceId, List.of());
            }
            VersionedVoice v = new VersionedVoice(this, info());
            loaded.add(v);
            return v;
        }

        @Override
        public void addVoicesListener(Runnable listener) {
            listeners.add(listener);
        }

        /** Makes the next version current; copies of older ones unload once nothing retains them. */
        void replace(boolean tell) {
            version++;
            loaded.forEach(VersionedVoice::replaced);
            if (tell) {
                listeners.forEach(Runnable::run);
            }
        }

        void remove() {
            removed = true;
            loaded.forEach(VersionedVoice::replaced);
            listeners.forEach(Runnable::run);
        }

        @Override
        public void close() {
        }
    }

    static final class VersionedVoice implements Voice {
        final AtomicInteger retains = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        private final VersionedEngine engine;
        private final VoiceInfo info;
        private boolean replaced;
        volatile boolean closed;

        VersionedVoice(VersionedEngine engine, VoiceInfo info) {
            this.engine = engine;
            this.info = info;
        }

        @Override
        public VoiceInfo info() {
            return info;
        }

        synchronized void replaced() {
            replaced = true;
        }

        @Override
        public synchronized boolean retain() {
            if (replaced && retains.get() == releases.get()) {
                return false;
            }
            retains.incrementAndGet();
            return true;
        }

        @Override
        public void release() {
            releases.incrementAndGet();
        }

        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            if (closed) {
                throw new IllegalStateException(info.id() + "@" + info.version() + " is closed");
            }
            CountDownLatch gate = engine.gate;
            if (gate != null && text.startsWith("First")) {
                engine.entered.countDown();
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            short[] block = new short[160];
            java.util.Arrays.fill(block, (short) (100 * Integer.parseInt(info.version())));
            return sink.onAudio(block, 0, block.length) == AudioSink.Action.CONTINUE;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

package dev.chorus.engine.hmm;

import dev.chorus.testing.Pcm;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MaryTTS and its old libraries stay inside their own class loader, and synthesis still works. */
class HmmIsolationTest {

    private static TtsEngine engine;

    @BeforeAll
    static void open() {
        engine = new HmmEngineProvider().open(EngineContext.of(1));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void applicationLoaderSeesNoMaryTtsNorItsGuava() {
        ClassLoader mine = getClass().getClassLoader();
        assertThatThrownBy(() -> Class.forName("marytts.LocalMaryInterface", false, mine))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("dev.chorus.engine.hmm.bridge.MaryBridge", false, mine))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("com.google.common.base.Objects", false, mine))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.log4j.Logger", false, mine))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void maryTtsLoaderHasTheOldGuavaAndOnlyThePlatformAsParent() throws Exception {
        ClassLoader mary = runtime().loader();
        assertThat(mary.getParent()).isSameAs(ClassLoader.getPlatformClassLoader());
        assertThat(Class.forName("marytts.LocalMaryInterface", false, mary).getClassLoader()).isSameAs(mary);
        // Guava 14 still has the method MaryTTS calls, which newer Guava removed.
        Class<?> objects = Class.forName("com.google.common.base.Objects", false, mary);
        assertThat(objects.getMethod("toStringHelper", Object.class)).isNotNull();
        assertThatThrownBy(() -> Class.forName(HmmEngineProvider.class.getName(), false, mary))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void synthesizesWithTheCallersContextLoaderInPlace() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        List<ClassLoader> seenBySink = new ArrayList<>();
        Pcm.Collector collector = new Pcm.Collector();
        AudioSink sink = new AudioSink() {
            @Override
            public Action onAudio(short[] samples, int offset, int length) {
                seenBySink.add(thread.getContextClassLoader());
                return collector.onAudio(samples, offset, length);
            }

            @Override
            public Action onEvent(SynthesisEvent event) {
                seenBySink.add(thread.getContextClassLoader());
                return collector.onEvent(event);
            }
        };

        boolean done = engine.load("hmm:cmu-slt-hsmm").synthesize("Isolation keeps old libraries apart.",
                SynthesisOptions.defaults(), sink);

        assertThat(done).isTrue();
        assertThat(Pcm.rms(collector.samples())).isGreaterThan(0.02);
        assertThat(Pcm.seconds(collector.samples(), 48_000)).isBetween(1.0, 6.0);
        assertThat(thread.getContextClassLoader()).isSameAs(before);
        assertThat(seenBySink).isNotEmpty().allMatch(loader -> loader == before);
    }

    @Test
    void writesNoLogFiles() {
        // MaryTTS's own logging setup would create ./log/server.log in the working directory.
        engine.load("hmm:cmu-slt-hsmm").synthesize("Quiet, please.", SynthesisOptions.defaults(),
                new Pcm.Collector());
        assertThat(Path.of("log")).doesNotExist();
        assertThat(Files.exists(Path.of("server.log"))).isFalse();
    }

    private static MaryRuntime runtime() {
        return MaryRuntime.obtain(HmmLibrary.locate(EngineContext.of(1)));
    }
}

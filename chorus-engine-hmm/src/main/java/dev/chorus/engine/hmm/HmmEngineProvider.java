package dev.chorus.engine.hmm;

import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

import java.util.Objects;

/**
 * Provides the {@code hmm} engine: MaryTTS 5.2.1 speaking with the HSMM voice {@code hmm:cmu-slt-hsmm} (US
 * English, female, 48 kHz).
 *
 * <p>MaryTTS and its libraries (among them Guava 14 and log4j) never join the application's class path: they are
 * bundled as jars under {@code META-INF/chorus/hmm-lib/} and loaded by a private class loader. Settings:
 * <ul>
 *   <li>{@code hmm.lib.dir} (or the system property {@code chorus.hmm.lib.dir}): a folder holding those
 *       jars, used instead of the bundled ones. Otherwise bundled jars are used in place when the engine runs from
 *       a folder, and extracted once to {@code $XDG_CACHE_HOME/chorus/hmm-lib/<hash>/} (or
 *       {@code ~/.cache/chorus/hmm-lib/<hash>/}) when it runs from a jar.</li>
 * </ul>
 * MaryTTS starts once per JVM (about two seconds) on the first {@link #open}; later engines share it. The
 * engine keeps no per-worker state, whatever {@link EngineContext#workers()} says: each synthesis builds its own
 * MaryTTS requests, and concurrent syntheses give the same samples as sequential ones.
 */
public final class HmmEngineProvider implements TtsEngineProvider {

    /** Creates the provider; all work happens in {@link #open}. */
    public HmmEngineProvider() {
    }

    @Override
    public String id() {
        return HmmEngine.ID;
    }

    @Override
    public TtsEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        return new HmmEngine(MaryRuntime.obtain(HmmLibrary.locate(context)));
    }
}

package dev.chorus.engine.espeak;

import dev.chorus.engine.espeak.internal.EspeakEngine;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;

/**
 * Provides the {@code espeak} engine: every installed eSpeak NG voice as {@code espeak:<language>} (for example
 * {@code espeak:en-us}, {@code espeak:de}, {@code espeak:cmn-latn-pinyin}), synthesized in-process at 22,050 Hz,
 * plus an IPA {@link dev.chorus.tts.spi.Phonemizer}.
 *
 * <p>Settings (all optional):
 * <ul>
 *   <li>{@value #LIBRARY}: path of {@code libespeak-ng.so.1}; default the Debian path
 *       {@code /usr/lib/x86_64-linux-gnu/libespeak-ng.so.1}, else the dynamic loader's search path.</li>
 *   <li>{@value #DATA}: the {@code espeak-ng-data} directory (or its parent); default the library's own.</li>
 *   <li>{@value #ISOLATION}: {@code copies} (default) loads a private copy of the library per worker so workers
 *       synthesize in parallel; {@code lock} loads one copy and runs one synthesis at a time.</li>
 * </ul>
 *
 * <p>Speed maps to eSpeak's rate as {@code 175 words per minute × speed}. eSpeak's floor is 80 wpm, so speeds
 * below about 0.46 all sound like 0.46; above 450 wpm (speed 2.57) eSpeak time-compresses its output, which stays
 * intelligible up to the maximum speed of 4.0 (700 wpm).
 */
public final class EspeakEngineProvider implements TtsEngineProvider {

    /** Setting naming the eSpeak NG shared library to load. */
    public static final String LIBRARY = "espeak.library";
    /** Setting naming the eSpeak NG data directory. */
    public static final String DATA = "espeak.data";
    /** Setting choosing how concurrent syntheses are kept apart: {@code copies} or {@code lock}. */
    public static final String ISOLATION = "espeak.isolation";

    /** Creates the provider; it does nothing until {@link #open}. */
    public EspeakEngineProvider() {
    }

    @Override
    public String id() {
        return EspeakEngine.ID;
    }

    /**
     * Opens the engine: finds and loads the library, one private copy per worker.
     *
     * @throws EngineUnavailableException if the library or its data is missing; the message names the Debian
     *                                    packages to install
     * @throws IllegalArgumentException   if a setting has an invalid value
     */
    @Override
    public TtsEngine open(EngineContext context) {
        return EspeakEngine.open(context);
    }
}

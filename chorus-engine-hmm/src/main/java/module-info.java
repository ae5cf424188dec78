import dev.chorus.engine.hmm.HmmEngineProvider;
import dev.chorus.tts.spi.TtsEngineProvider;

/**
 * The {@code hmm} engine: MaryTTS 5.2.1 with the HSMM voice cmu-slt-hsmm, loaded from nested jars in a private
 * class loader. Exports nothing; the engine is found through its {@link TtsEngineProvider}.
 */
module dev.chorus.engine.hmm {
    requires dev.chorus.api;
    requires dev.chorus.audio;

    // Not used here: MaryTTS needs them, and its class loader (a child of the platform loader) only sees JDK
    // modules the boot layer resolved, which on a module path are only those some module requires.
    requires java.desktop;
    requires java.logging;
    requires java.management;
    requires java.sql;
    requires java.xml;
    requires jdk.unsupported;

    provides TtsEngineProvider with HmmEngineProvider;
}

/** The chorus program: CLI commands over the runtime and the engines. */
module dev.chorus.app {
    requires dev.chorus.runtime;
    requires dev.chorus.service;
    requires dev.chorus.server;
    requires dev.chorus.jobs;
    requires dev.chorus.safety;
    requires dev.chorus.loadgen;
    requires java.net.http;
    requires org.snakeyaml.engine;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires java.logging;

    uses dev.chorus.tts.spi.TtsEngineProvider;

    opens dev.chorus.app to info.picocli;
}

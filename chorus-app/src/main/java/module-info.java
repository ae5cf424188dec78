/** The chorus program: CLI commands over the runtime and the engines. */
module dev.chorus.app {
    requires dev.chorus.runtime;
    requires dev.chorus.service;
    requires dev.chorus.server;
    requires dev.chorus.cluster;
    requires dev.chorus.jobs;
    requires dev.chorus.jobs.raft;
    requires dev.chorus.safety;
    requires dev.chorus.loadgen;
    requires dev.chorus.asr;
    requires dev.chorus.audio;
    requires java.net.http;
    requires org.snakeyaml.engine;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires java.logging;
    requires io.netty.transport.classes.io_uring;
    requires com.linecorp.armeria;

    uses dev.chorus.tts.spi.TtsEngineProvider;
    uses dev.chorus.asr.RecognizerProvider;

    opens dev.chorus.app to info.picocli;
}

/** Test kit: the engine conformance suite and audio assertions shared by every module's tests. */
module dev.chorus.testing {
    requires transitive dev.chorus.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports dev.chorus.testing;
    opens dev.chorus.testing to org.junit.platform.commons;
}

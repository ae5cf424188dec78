/**
 * Chorus SSML: parses a safe subset of W3C SSML 1.1 into a flat plan of text runs, breaks, marks and sentence
 * boundaries that the runtime can synthesize.
 */
module dev.chorus.ssml {
    requires transitive dev.chorus.api;
    requires java.xml;

    exports dev.chorus.ssml;
}

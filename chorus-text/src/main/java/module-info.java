/**
 * Chorus text pipeline: normalization, sentence segmentation and chunking of text before synthesis.
 */
module dev.chorus.text {
    requires dev.chorus.api;
    // icu4j 79.1 ships no module descriptor; its manifest names the automatic module com.ibm.icu.
    requires com.ibm.icu;

    exports dev.chorus.text;
}

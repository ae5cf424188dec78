/**
 * Chorus text pipeline: normalization, spoken-form rewriting, lexicons, sentence segmentation and chunking of
 * text before synthesis.
 */
module dev.chorus.text {
    requires dev.chorus.api;
    // icu4j 79.1 ships no module descriptor; its manifest names the automatic module com.ibm.icu.
    requires com.ibm.icu;
    requires java.xml;
    requires org.snakeyaml.engine;

    exports dev.chorus.text;
}

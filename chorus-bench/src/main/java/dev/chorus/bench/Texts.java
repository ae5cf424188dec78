package dev.chorus.bench;

/** Texts the benchmarks speak. */
final class Texts {

    /** An English paragraph of exactly 300 characters. */
    static final String PARAGRAPH_300;

    static {
        String p = "Chorus turns written text into natural speech. It splits long passages into sentences, "
                + "hands each sentence to a voice engine, and streams the audio back in order as soon as it is "
                + "ready. Engines run on their own bounded pools, so a busy voice never slows down another one, "
                + "and every request keeps its deadline.";
        PARAGRAPH_300 = p.length() >= 300 ? p.substring(0, 300) : p;
    }

    private Texts() {
    }
}

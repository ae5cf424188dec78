package dev.chorus.engine.piper;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.Voice;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded Piper voice: one version of one model file, for one speaker. Every {@link Voice} the {@code piper}
 * engine returns implements it.
 */
public interface PiperVoice extends Voice {

    /** Returns the version of the voice's files this voice runs (1 for the first load, then 2, 3, ...). */
    int version();

    /** Returns the ONNX Runtime execution provider the voice runs on: {@code cpu} or {@code cuda}. */
    String provider();

    /** Returns the model file. */
    Path modelFile();

    /** Returns the speaker id passed to the model as {@code sid}, or -1 for a single-speaker voice. */
    int speakerId();

    /**
     * Returns the phoneme ids {@link #synthesize} would run for {@code text}: one array per model run (sentence),
     * each {@code ^ _ p1 _ p2 _ ... $} as Piper builds them.
     *
     * @throws dev.chorus.tts.InvalidInputException if the text is unusable
     */
    List<long[]> phonemeIds(String text);

    /**
     * Runs the model once on phoneme ids given directly and delivers the audio, as {@link #synthesize} does for one
     * sentence (no sentence silence, no word events).
     *
     * @return {@code true} if all audio was delivered, {@code false} if the sink stopped it
     * @throws dev.chorus.tts.InvalidInputException if {@code ids} is empty
     * @throws dev.chorus.tts.SynthesisException    if the model fails
     */
    boolean synthesizeIds(long[] ids, SynthesisOptions options, AudioSink sink);
}

package dev.chorus.tts.spi;

/**
 * Receives audio and events from {@link Voice#synthesize}, on the synthesizing thread, in order.
 *
 * <p>The {@code samples} array passed to {@link #onAudio} is only valid during the call: an engine may reuse it
 * afterwards, so a sink that keeps audio copies it. Returning {@link Action#STOP} asks the engine to stop as soon
 * as it can; it then returns from {@code synthesize} without calling the sink again. Sinks must not throw.
 */
public interface AudioSink {

    /** What the engine should do after a callback. */
    enum Action { CONTINUE, STOP }

    /** Receives {@code length} mono PCM16 samples starting at {@code offset}. */
    Action onAudio(short[] samples, int offset, int length);

    /** Receives a word, sentence or mark event; sample offsets count from the start of this chunk's audio. */
    default Action onEvent(SynthesisEvent event) {
        return Action.CONTINUE;
    }
}

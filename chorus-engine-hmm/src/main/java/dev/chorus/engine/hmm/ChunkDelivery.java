package dev.chorus.engine.hmm;

import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;

import java.io.IOException;
import java.io.InputStream;

/**
 * Hands one chunk's audio and events to a sink, sentence after sentence, keeping sample offsets relative to the
 * chunk. Audio goes out in pieces of up to {@value #PIECE_SAMPLES} samples as MaryTTS's vocoder produces them;
 * each piece is preceded by the word events that start inside it. After the sink says stop, nothing more is sent.
 */
final class ChunkDelivery {

    static final int PIECE_SAMPLES = 8192;

    private final AudioSink sink;
    private final byte[] bytes = new byte[PIECE_SAMPLES * 2];
    private final short[] samples = new short[PIECE_SAMPLES];
    private long chunkSamples;

    ChunkDelivery(AudioSink sink) {
        this.sink = sink;
    }

    /** Reports a sentence starting at {@code textOffset}; returns {@code false} if the sink said stop. */
    boolean sentenceStarts(int textOffset) {
        return sink.onEvent(new SynthesisEvent.Sentence(textOffset, chunkSamples)) == AudioSink.Action.CONTINUE;
    }

    /**
     * Streams one sentence's PCM16 and its word timings (triples relative to the sentence, see
     * {@link MaryRuntime.SentenceAudio}); returns {@code false} if the sink said stop.
     */
    boolean deliver(int sentenceOffset, int[] words, InputStream pcm) throws IOException {
        long sentenceStart = chunkSamples;
        int nextWord = 0;
        int pendingLowByte = -1;
        for (int n = pcm.read(bytes); n >= 0; n = pcm.read(bytes)) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (pendingLowByte < 0) {
                    pendingLowByte = bytes[i] & 0xff;
                } else {
                    samples[count++] = (short) (pendingLowByte | (bytes[i] << 8));
                    pendingLowByte = -1;
                }
            }
            long end = chunkSamples + count;
            for (; nextWord < words.length && sentenceStart + words[nextWord + 2] < end; nextWord += 3) {
                if (!word(sentenceOffset, words, nextWord, sentenceStart)) {
                    return false;
                }
            }
            if (count > 0 && sink.onAudio(samples, 0, count) == AudioSink.Action.STOP) {
                return false;
            }
            chunkSamples = end;
        }
        for (; nextWord < words.length; nextWord += 3) {
            if (!word(sentenceOffset, words, nextWord, sentenceStart)) {
                return false;
            }
        }
        return true;
    }

    private boolean word(int sentenceOffset, int[] words, int i, long sentenceStart) {
        SynthesisEvent.Word event = new SynthesisEvent.Word(sentenceOffset + words[i], words[i + 1],
                sentenceStart + words[i + 2]);
        return sink.onEvent(event) == AudioSink.Action.CONTINUE;
    }
}

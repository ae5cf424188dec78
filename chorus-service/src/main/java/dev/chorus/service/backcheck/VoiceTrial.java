package dev.chorus.service.backcheck;

import dev.chorus.asr.Recognizer;
import dev.chorus.asr.WordErrorRate;
import dev.chorus.audio.SignalQuality;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.Voice;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Speaks a set of sentences with one voice and measures what came out: the signal checks over all of it, the word
 * error rate a recognizer finds, and how long synthesis took. What {@code chorus check} prints and what the release
 * gate judges a new voice version by.
 */
public final class VoiceTrial {

    private VoiceTrial() {
    }

    /**
     * One voice's figures.
     *
     * @param sentences  how many sentences were spoken
     * @param characters their characters in all
     * @param quality    the signal checks over all the audio
     * @param wer        the corpus word error rate, or NaN when no recognizer listened
     * @param synthNanos synthesis time in all
     */
    public record Result(int sentences, int characters, SignalQuality quality, double wer, long synthNanos) {

        /** Returns the seconds of audio per character spoken (0 without characters). */
        public double secondsPerCharacter() {
            return characters == 0 ? 0 : quality.seconds() / characters;
        }

        /** Returns the real-time factor: synthesis time over audio time (0 without audio). */
        public double rtf() {
            return quality.seconds() == 0 ? 0 : synthNanos / 1e9 / quality.seconds();
        }
    }

    /**
     * Speaks {@code sentences} with {@code voice} on the calling thread.
     *
     * @param recognizer what listens, or null for no word error rate; not used when it does not understand the
     *                   voice's language
     */
    public static Result run(Voice voice, List<String> sentences, Recognizer recognizer) {
        Objects.requireNonNull(voice, "voice");
        int rate = voice.info().sampleRate();
        SignalQuality.Meter meter = new SignalQuality.Meter(rate);
        boolean understood = recognizer != null && recognizer.supports(voice.info().language());
        WordErrorRate wer = WordErrorRate.NONE;
        long nanos = 0;
        int characters = 0;
        for (String sentence : sentences) {
            Collector sink = new Collector();
            long t0 = System.nanoTime();
            voice.synthesize(sentence, SynthesisOptions.defaults(), sink);
            nanos += System.nanoTime() - t0;
            characters += sentence.length();
            short[] pcm = sink.samples();
            meter.accept(pcm, 0, pcm.length);
            if (understood) {
                String heard = pcm.length == 0 ? "" : recognizer.recognize(pcm, rate).text();
                wer = wer.plus(WordErrorRate.of(sentence, heard));
            }
        }
        return new Result(sentences.size(), characters, meter.result(), understood ? wer.rate() : Double.NaN, nanos);
    }

    /** Gathers one sentence's samples. */
    private static final class Collector implements AudioSink {
        private short[] samples = new short[16_384];
        private int length;

        @Override
        public Action onAudio(short[] in, int offset, int n) {
            if (length + n > samples.length) {
                samples = Arrays.copyOf(samples, Math.max(samples.length * 2, length + n));
            }
            System.arraycopy(in, offset, samples, length, n);
            length += n;
            return Action.CONTINUE;
        }

        @Override
        public Action onEvent(SynthesisEvent event) {
            return Action.CONTINUE;
        }

        short[] samples() {
            return Arrays.copyOf(samples, length);
        }
    }
}

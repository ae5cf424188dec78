package dev.chorus.engine.hmm;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.Voice;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;

/**
 * The voice {@code hmm:cmu-slt-hsmm}. A chunk is spoken one sentence at a time, so a sink that says stop ends the
 * work within the current sentence; see {@link ChunkDelivery} for how audio and events reach the sink.
 *
 * <p>Speed goes through MaryTTS's own prosody control up to {@value #MAX_MARY_SPEED}x: MaryTTS cannot make a phone
 * shorter than 25 ms, so faster rates come out slower than asked (2.0 would give about 1.8x, 4.0 about 3x). The
 * rest of a faster speed is a pitch-keeping time-stretch of MaryTTS's audio ({@link StretchingSink}).
 */
final class HmmVoice implements Voice {

    /** The fastest speed asked of MaryTTS itself; beyond it, the audio is time-stretched. */
    static final double MAX_MARY_SPEED = 1.5;

    private final MaryRuntime runtime;
    private final VoiceInfo info;
    private volatile boolean closed;

    HmmVoice(MaryRuntime runtime, VoiceInfo info) {
        this.runtime = runtime;
        this.info = info;
    }

    @Override
    public VoiceInfo info() {
        return info;
    }

    @Override
    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
        if (closed) {
            throw new IllegalStateException("voice " + info.id() + " is closed");
        }
        ChunkText.validate(text);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        checkLanguage(options.language());

        double marySpeed = Math.min(options.speed(), MAX_MARY_SPEED);
        StretchingSink stretching = options.speed() > MAX_MARY_SPEED
                ? new StretchingSink(sink, info.sampleRate(), options.speed() / MAX_MARY_SPEED) : null;
        ChunkDelivery delivery = new ChunkDelivery(stretching != null ? stretching : sink);
        for (Sentences.Span sentence : Sentences.split(text)) {
            if (!delivery.sentenceStarts(sentence.start())) {
                return false;
            }
            MaryRuntime.SentenceAudio audio = speak(sentence.of(text), marySpeed);
            try (InputStream pcm = audio.pcm()) {
                if (!delivery.deliver(sentence.start(), audio.words(), pcm)) {
                    return false; // closing the stream lets MaryTTS's vocoder thread finish
                }
            } catch (InterruptedIOException e) {
                throw new SynthesisCancelledException("hmm: synthesis interrupted");
            } catch (IOException | UncheckedIOException e) {
                throw new SynthesisException("hmm: reading MaryTTS audio failed: " + e.getMessage(), e);
            }
        }
        return stretching == null || stretching.finish();
    }

    private MaryRuntime.SentenceAudio speak(String sentence, double speed) {
        try {
            return runtime.synthesize(sentence, speed);
        } catch (RuntimeException e) {
            throw new SynthesisException("hmm: MaryTTS failed on \"" + abbreviate(sentence) + "\": "
                    + e.getMessage(), e);
        }
    }

    private void checkLanguage(String language) {
        checkLanguage(info, language);
    }

    /** Refuses a language other than English: the voice's text analysis is MaryTTS's English one. */
    static void checkLanguage(VoiceInfo info, String language) {
        if (language != null && !Locale.forLanguageTag(language.replace('_', '-')).getLanguage().equals("en")) {
            throw new InvalidInputException("language", "language: " + language
                    + " (expected: en or en-US for voice " + info.id() + ")");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Marks the voice closed; a synthesis already running finishes normally. */
    @Override
    public void close() {
        closed = true;
    }
}

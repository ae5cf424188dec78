package dev.chorus.engine.amvocoder.internal;

import ai.onnxruntime.OrtException;
import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.onnx.speech.PcmDelivery;
import dev.chorus.onnx.speech.PhonemeSentences;
import dev.chorus.onnx.speech.Words;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.Voice;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One speaker of one loaded acoustic model + vocoder directory. A chunk is phonemized at once and spoken one sentence
 * per run (a clause ending in {@code . ? !} ends a sentence): acoustic model, then the vocoder on its mel, so audio
 * starts after the first sentence and a stop takes effect between sentences.
 */
final class AmVoice implements Voice {

    /** Settings that shape every run. */
    record Tuning(float noiseScale, int steps, int silenceMillis) {
    }

    private final ModelVersion<AmModel> version;
    private final AmModel model;
    private final VoiceInfo info;
    private final int speaker;
    private final Phonemizer phonemizer;
    private final Tuning tuning;
    private volatile boolean closed;

    AmVoice(ModelVersion<AmModel> version, VoiceInfo info, int speaker, Phonemizer phonemizer, Tuning tuning) {
        this.version = version;
        this.model = version.model();
        this.info = info;
        this.speaker = speaker;
        this.phonemizer = phonemizer;
        this.tuning = tuning;
    }

    @Override
    public VoiceInfo info() {
        return info;
    }

    @Override
    public boolean supportsPhonemes() {
        return true;
    }

    @Override
    public boolean retain() {
        return !closed && version.retain();
    }

    @Override
    public void release() {
        version.release();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
        ChunkText.validate(text);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        begin();
        try {
            List<String> sentences = PhonemeSentences.of(phonemizer.phonemize(text, model.espeakVoice));
            return speak(text, sentences, options, sink);
        } finally {
            version.end();
        }
    }

    @Override
    public boolean synthesizePhonemes(String ipa, SynthesisOptions options, AudioSink sink) {
        ChunkText.validate(ipa);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        begin();
        try {
            return speak(ipa, List.of(ipa.strip()), options, sink);
        } finally {
            version.end();
        }
    }

    private boolean speak(String text, List<String> sentences, SynthesisOptions options, AudioSink sink) {
        PcmDelivery out = new PcmDelivery(sink);
        List<Words.Span> words = Words.of(text);
        int word = 0;
        AmModel.Controls controls = new AmModel.Controls((float) (1 / options.speed()), tuning.noiseScale(),
                tuning.steps(), speaker);
        int silence = tuning.silenceMillis() * model.sampleRate / 1000;
        for (String sentence : sentences) {
            TokenTable.Encoded run = model.tokens.encode(sentence, model.blank);
            if (run.wordStarts().length == 0) {
                continue;
            }
            int start = words.isEmpty() ? 0 : words.get(Math.min(word, words.size() - 1)).start();
            if (!out.event(new SynthesisEvent.Sentence(start, out.position()))) {
                return false;
            }
            AmModel.Output audio;
            try {
                audio = model.synthesize(run.ids(), controls);
            } catch (OrtException e) {
                throw new SynthesisException(info.id() + ": the models failed on " + run.ids().length + " ids: "
                        + e.getMessage(), e);
            }
            List<SynthesisEvent.Word> events = new ArrayList<>();
            if (audio.durations() != null) {
                long[] at = Words.starts(audio.durations(), run.wordStarts(), audio.audio().length, out.position());
                for (int w = 0; w < at.length && word + w < words.size(); w++) {
                    Words.Span span = words.get(word + w);
                    events.add(new SynthesisEvent.Word(span.start(), span.length(), at[w]));
                }
            }
            word += run.wordStarts().length;
            if (!out.audio(audio.audio(), 0, audio.audio().length, events) || !out.silence(silence)) {
                return false;
            }
        }
        return true;
    }

    private void begin() {
        if (closed) {
            throw new IllegalStateException("voice " + info.id() + " is closed");
        }
        version.begin(info.id());
    }

    @Override
    public String toString() {
        return info.id() + "@" + version.version();
    }
}

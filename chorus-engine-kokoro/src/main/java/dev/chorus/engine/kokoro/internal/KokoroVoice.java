package dev.chorus.engine.kokoro.internal;

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
import java.util.Map;
import java.util.Objects;

/**
 * One Kokoro voice of one loaded version: a speaker, or a blend whose style table is the weighted mean of its
 * speakers' (computed once, at load). A chunk is phonemized at once and spoken one sentence per model run (a clause
 * ending in {@code . ? !} ends a sentence; a sentence longer than the style table is cut between clauses or words),
 * each run with the style row for its token count and the request's speed, so audio starts after the first run and
 * a stop takes effect between runs. A run may share one model run with concurrent sentences of the same model
 * ({@link KokoroModel#synthesize}); its style row stays the one for its own token count.
 */
final class KokoroVoice implements Voice {

    private final ModelVersion<KokoroModel> version;
    private final KokoroModel model;
    private final VoiceInfo info;
    private final float[] styles;
    private final String espeakVoice;
    private final Phonemizer phonemizer;
    private final int silenceSamples;
    private volatile boolean closed;

    KokoroVoice(ModelVersion<KokoroModel> version, VoiceInfo info, Blend blend, Phonemizer phonemizer,
                int silenceSamples) {
        this.version = version;
        this.model = version.model();
        this.info = info;
        this.phonemizer = phonemizer;
        this.silenceSamples = silenceSamples;
        this.espeakVoice = model.speakers.get(blend.speakers().getFirst()).espeakVoice();
        float[] mixed = new float[model.rows * model.dim];
        for (Map.Entry<String, Double> part : blend.parts().entrySet()) {
            float[] table = model.speakers.get(part.getKey()).styles();
            float w = part.getValue().floatValue();
            for (int i = 0; i < mixed.length; i++) {
                mixed[i] += w * table[i];
            }
        }
        this.styles = mixed;
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

    /** Returns the loaded model this voice runs, for tests. */
    KokoroModel model() {
        return model;
    }

    /** Returns the style row this voice uses for {@code inner} tokens, for tests. */
    float[] styleFor(int inner) {
        return model.style(styles, inner);
    }

    @Override
    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
        ChunkText.validate(text);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        begin();
        try {
            List<String> sentences = PhonemeSentences.of(phonemizer.phonemize(text, espeakVoice));
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
        float speed = (float) options.speed();
        for (String sentence : sentences) {
            for (Tokens.Encoded run : fit(sentence)) {
                if (run.inner() == 0) {
                    continue;
                }
                int start = words.isEmpty() ? 0 : words.get(Math.min(word, words.size() - 1)).start();
                if (!out.event(new SynthesisEvent.Sentence(start, out.position()))) {
                    return false;
                }
                KokoroModel.Output audio = run(run, speed);
                List<SynthesisEvent.Word> events = new ArrayList<>();
                if (audio.durations() != null) {
                    long[] at = Words.starts(audio.durations(), run.wordStarts(), audio.audio().length,
                            out.position());
                    for (int w = 0; w < at.length && word + w < words.size(); w++) {
                        Words.Span span = words.get(word + w);
                        events.add(new SynthesisEvent.Word(span.start(), span.length(), at[w]));
                    }
                }
                word += run.wordStarts().length;
                if (!out.audio(audio.audio(), 0, audio.audio().length, events) || !out.silence(silenceSamples)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Splits a sentence's phonemes into runs of at most {@code rows - 1} tokens between the pads, at words. */
    private List<Tokens.Encoded> fit(String phonemes) {
        int max = model.rows - 1;
        Tokens.Encoded all = model.tokens.encode(phonemes);
        if (all.inner() <= max) {
            return List.of(all);
        }
        List<Tokens.Encoded> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String w : phonemes.split("\\s+")) {
            String candidate = current.isEmpty() ? w : current + " " + w;
            if (model.tokens.encode(candidate).inner() > max && !current.isEmpty()) {
                out.add(model.tokens.encode(current.toString()));
                current.setLength(0);
                candidate = w;
            }
            current.setLength(0);
            current.append(candidate);
            Tokens.Encoded alone = model.tokens.encode(current.toString());
            if (alone.inner() > max) {
                // One word longer than the table: cut it by symbols.
                int[] cps = current.codePoints().toArray();
                int from = 0;
                while (from < cps.length) {
                    int to = Math.min(cps.length, from + max);
                    out.add(model.tokens.encode(new String(cps, from, to - from)));
                    from = to;
                }
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            out.add(model.tokens.encode(current.toString()));
        }
        return out;
    }

    private KokoroModel.Output run(Tokens.Encoded run, float speed) {
        try {
            return model.synthesize(run.ids(), model.style(styles, run.inner()), speed);
        } catch (OrtException | IllegalStateException e) {
            throw new SynthesisException(info.id() + ": the model failed on " + run.ids().length + " tokens: "
                    + e.getMessage(), e);
        }
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

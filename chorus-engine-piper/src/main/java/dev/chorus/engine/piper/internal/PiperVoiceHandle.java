package dev.chorus.engine.piper.internal;

import ai.onnxruntime.OrtException;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.SynthesisEvent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One speaker of one loaded voice version, as returned by {@code load}. Each load returns a new handle; handles of
 * the same version share its session. {@link #close()} ends only this handle.
 */
final class PiperVoiceHandle implements PiperVoice {

    private final ModelVersion<PiperModel> version;
    private final PiperModel model;
    private final VoiceInfo info;
    private final int speaker;
    private final Phonemizer phonemizer;
    private final int silenceSamples;
    private volatile boolean closed;

    PiperVoiceHandle(ModelVersion<PiperModel> version, VoiceInfo info, int speaker, Phonemizer phonemizer,
                     int silenceSamples) {
        this.version = version;
        this.model = version.model();
        this.info = info;
        this.speaker = speaker;
        this.phonemizer = phonemizer;
        this.silenceSamples = silenceSamples;
    }

    @Override
    public VoiceInfo info() {
        return info;
    }

    @Override
    public int version() {
        return model.version;
    }

    @Override
    public String provider() {
        return model.provider.id();
    }

    @Override
    public Path modelFile() {
        return model.file;
    }

    @Override
    public int speakerId() {
        return model.hasSid() ? speaker : -1;
    }

    /** Returns the loaded version behind this handle. */
    ModelVersion<PiperModel> model() {
        return version;
    }

    @Override
    public boolean supportsPhonemes() {
        return model.frontend == null;
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
    public List<long[]> phonemeIds(String text) {
        ChunkText.validate(text);
        List<long[]> out = new ArrayList<>();
        if (model.frontend != null) {
            model.frontend.sentences(text).forEach(sentence -> out.add(sentence.ids()));
            return out;
        }
        for (int[] phonemes : phonemize(text)) {
            out.add(model.encoder.encode(phonemes).ids());
        }
        return out;
    }

    /**
     * Speaks the chunk one Piper sentence at a time: the whole chunk is phonemized at once (the runtime already
     * split the text into sentences), and eSpeak's clause punctuation ends Piper's sentences within it, one model run
     * each, so audio starts after the first run and a stop takes effect between runs.
     */
    @Override
    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
        ChunkText.validate(text);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        if (model.frontend != null) {
            return synthesizeTokens(text, options, sink);
        }
        begin();
        try (Delivery out = new Delivery(sink, model)) {
            float lengthScale = lengthScale(options);
            List<TextWords.Span> words = TextWords.words(text);
            int sentenceWord = 0;
            for (int[] phonemes : phonemize(text)) {
                PhonemeEncoder.Encoded encoded = model.encoder.encode(phonemes);
                int start = TextWords.sentenceStart(text, words, sentenceWord);
                if (!out.event(new SynthesisEvent.Sentence(start, out.position()))) {
                    return false;
                }
                PiperModel.Output audio = run(encoded.ids(), lengthScale);
                List<SynthesisEvent.Word> events = new ArrayList<>();
                if (audio.durations() != null) {
                    long[] starts = wordOffsets(audio, encoded.wordStarts(), out.position());
                    for (int w = 0; w < starts.length && sentenceWord + w < words.size(); w++) {
                        TextWords.Span word = words.get(sentenceWord + w);
                        events.add(new SynthesisEvent.Word(word.start(), word.length(), starts[w]));
                    }
                }
                sentenceWord += encoded.wordStarts().length;
                if (!out.audio(audio.audio(), events) || !out.silence(silenceSamples)) {
                    return false;
                }
            }
            return true;
        } finally {
            version.end();
        }
    }

    /**
     * Speaks the chunk through a sherpa-onnx VITS front end (lexicon or characters), one model run per sentence;
     * these models report no durations, so there are sentence events but no word events.
     */
    private boolean synthesizeTokens(String text, SynthesisOptions options, AudioSink sink) {
        begin();
        try (Delivery out = new Delivery(sink, model)) {
            float lengthScale = lengthScale(options);
            for (SherpaFrontend.Sentence sentence : model.frontend.sentences(text)) {
                // Offsets are in the lower-cased text, which is longer than the text in rare scripts.
                int at = Math.min(sentence.textOffset(), Math.max(0, text.length() - 1));
                if (!out.event(new SynthesisEvent.Sentence(at, out.position()))) {
                    return false;
                }
                if (!out.audio(run(sentence.ids(), sentence.tones(), lengthScale).audio(), List.of())
                        || !out.silence(silenceSamples)) {
                    return false;
                }
            }
            return true;
        } finally {
            version.end();
        }
    }

    @Override
    public boolean synthesizePhonemes(String ipa, SynthesisOptions options, AudioSink sink) {
        if (model.frontend != null) {
            throw new UnsupportedOperationException(info.id() + " does not take phonemes");
        }
        ChunkText.validate(ipa);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        begin();
        try {
            int[] phonemes = model.encoder.ipaPhonemes(ipa);
            if (!PhonemeEncoder.speakable(phonemes)) {
                return true;
            }
            PhonemeEncoder.Encoded encoded = model.encoder.encode(phonemes);
            PiperModel.Output audio = run(encoded.ids(), lengthScale(options));
            List<SynthesisEvent.Word> events = new ArrayList<>();
            if (audio.durations() != null) {
                List<TextWords.Span> words = ipaWords(ipa);
                long[] starts = wordOffsets(audio, encoded.wordStarts(), 0);
                for (int w = 0; w < starts.length && w < words.size(); w++) {
                    events.add(new SynthesisEvent.Word(words.get(w).start(), words.get(w).length(), starts[w]));
                }
            }
            try (Delivery out = new Delivery(sink, model)) {
                return out.audio(audio.audio(), events);
            }
        } finally {
            version.end();
        }
    }

    @Override
    public boolean synthesizeIds(long[] ids, SynthesisOptions options, AudioSink sink) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        if (ids.length == 0) {
            throw new InvalidInputException("ids", "ids: empty (expected: at least one phoneme id)");
        }
        begin();
        try (Delivery out = new Delivery(sink, model)) {
            return out.audio(run(ids, lengthScale(options)).audio(), List.of());
        } finally {
            version.end();
        }
    }

    private void begin() {
        if (closed) {
            throw new IllegalStateException("voice " + info.id() + " is closed");
        }
        version.begin(info.id());
    }

    private float lengthScale(SynthesisOptions options) {
        return (float) (model.config.lengthScale() / options.speed());
    }

    private PiperModel.Output run(long[] ids, float lengthScale) {
        return run(ids, null, lengthScale);
    }

    private PiperModel.Output run(long[] ids, long[] tones, float lengthScale) {
        try {
            return model.run(ids, tones, lengthScale, speaker);
        } catch (OrtException e) {
            throw new SynthesisException(info.id() + ": the model failed on " + ids.length + " phoneme ids: "
                    + e.getMessage(), e);
        }
    }

    /** Returns the phonemes of each Piper sentence of the chunk that has something to speak. */
    private List<int[]> phonemize(String text) {
        List<int[]> out = new ArrayList<>();
        if (model.config.phonemeType() == VoiceConfig.PhonemeType.TEXT) {
            int[] phonemes = model.encoder.textPhonemes(text);
            if (PhonemeEncoder.speakable(phonemes)) {
                out.add(phonemes);
            }
            return out;
        }
        for (int[] phonemes : model.encoder.sentences(phonemizer.phonemize(text, model.config.espeakVoice()))) {
            if (PhonemeEncoder.speakable(phonemes)) {
                out.add(phonemes);
            }
        }
        return out;
    }

    /** Returns the sample offset of each word start, from the model's per-id durations. */
    private long[] wordOffsets(PiperModel.Output audio, int[] wordStartIds, long base) {
        float[] durations = audio.durations();
        double[] cumulative = new double[durations.length + 1];
        for (int i = 0; i < durations.length; i++) {
            cumulative[i + 1] = cumulative[i] + Math.max(0, durations[i]);
        }
        double total = cumulative[durations.length];
        double samplesPerFrame = total > 0 ? audio.audio().length / total : 0;
        long[] out = new long[wordStartIds.length];
        for (int w = 0; w < out.length; w++) {
            int id = Math.min(wordStartIds[w], durations.length);
            out[w] = base + Math.min(audio.audio().length, Math.round(cumulative[id] * samplesPerFrame));
        }
        return out;
    }

    private static List<TextWords.Span> ipaWords(String ipa) {
        List<TextWords.Span> out = new ArrayList<>();
        int i = 0;
        while (i < ipa.length()) {
            while (i < ipa.length() && Character.isWhitespace(ipa.charAt(i))) {
                i++;
            }
            int s = i;
            while (i < ipa.length() && !Character.isWhitespace(ipa.charAt(i))) {
                i++;
            }
            if (i > s) {
                out.add(new TextWords.Span(s, i));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return info.id() + "@" + version.version();
    }

    /** Converts audio to PCM16 and hands it to the sink, with events at their positions, until the sink stops. */
    private static final class Delivery implements AutoCloseable {
        private final AudioSink sink;
        private final PiperModel model;
        private short[] pcm = new short[0];
        private long position;

        Delivery(AudioSink sink, PiperModel model) {
            this.sink = sink;
            this.model = model;
        }

        @Override
        public void close() {
            model.recycle(pcm);
        }

        private void ensure(int length) {
            if (pcm.length < length) {
                model.recycle(pcm);
                pcm = model.pcmBuffer(length);
            }
        }

        long position() {
            return position;
        }

        boolean event(SynthesisEvent e) {
            return sink.onEvent(e) == AudioSink.Action.CONTINUE;
        }

        boolean audio(float[] audio, List<SynthesisEvent.Word> events) {
            ensure(audio.length);
            for (int i = 0; i < audio.length; i++) {
                pcm[i] = (short) Math.max(-32767f, Math.min(32767f, audio[i] * 32767f));
            }
            int done = 0;
            for (SynthesisEvent.Word w : events) {
                int at = (int) Math.min(audio.length, Math.max(done, w.sampleOffset() - position));
                if (at > done) {
                    if (sink.onAudio(pcm, done, at - done) != AudioSink.Action.CONTINUE) {
                        return false;
                    }
                    done = at;
                }
                if (!event(w)) {
                    return false;
                }
            }
            if (audio.length > done && sink.onAudio(pcm, done, audio.length - done) != AudioSink.Action.CONTINUE) {
                return false;
            }
            position += audio.length;
            return true;
        }

        boolean silence(int samples) {
            if (samples <= 0) {
                return true;
            }
            ensure(samples);
            java.util.Arrays.fill(pcm, 0, samples, (short) 0);
            position += samples;
            return sink.onAudio(pcm, 0, samples) == AudioSink.Action.CONTINUE;
        }
    }
}


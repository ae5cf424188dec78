package dev.chorus.asr.paraformer.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chorus.asr.RecognizedWord;
import dev.chorus.asr.Recognizer;
import dev.chorus.asr.Transcript;
import dev.chorus.asr.paraformer.features.Fbank;
import dev.chorus.audio.Resampler;
import dev.chorus.onnx.ExecutionProvider;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.RunLimiter;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.SessionSettings;
import dev.chorus.tts.EngineUnavailableException;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Recognition with a Paraformer model: input resampled to 16 kHz, fbank, low frame rate stacking and CMVN in Java,
 * one run of the model (non-autoregressive: every token at once), then greedy decoding: the most likely token of
 * each of the first {@code token_num} positions, stopping at {@code </s>}. Word times come from the model's
 * {@code us_cif_peak} output when it has one (20 ms steps), else from spreading the tokens evenly over the audio.
 * One session serves every thread; {@code workers} runs go at once, more wait. Thread-safe.
 */
public final class ParaformerRecognizer implements Recognizer {

    /** Milliseconds per step of {@code us_cif_peak}: 10 ms frames, 6 per LFR frame, upsampled 3 times. */
    private static final long PEAK_STEP_MILLIS = 20;

    private final SessionFactory sessions;
    private final ParaformerModel model;
    private final RunLimiter runs;
    private final Set<String> languages;
    private final String description;
    /** Runs hold it shared; {@link #close} takes it exclusively, so the session is never closed under a run. */
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;

    private ParaformerRecognizer(SessionFactory sessions, ParaformerModel model, int workers, Set<String> languages,
                                 String description) {
        this.sessions = sessions;
        this.model = model;
        this.runs = new RunLimiter("paraformer", workers);
        this.languages = languages;
        this.description = description;
    }

    /**
     * Loads the model the settings name.
     *
     * @throws EngineUnavailableException naming the setting, the file and what is missing
     * @throws IllegalArgumentException   for an unknown or malformed setting, or {@code workers < 1}
     */
    public static ParaformerRecognizer open(int workers, Map<String, String> settings) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        ParaformerSettings s = ParaformerSettings.parse(settings);
        SessionFactory sessions = SessionFactory.open("paraformer", ParaformerSettings.PREFIX + "threads",
                new SessionSettings(s.threads(), 1, SessionSettings.Optimization.ALL, ExecutionProvider.CPU));
        try {
            ParaformerModel model = ParaformerModel.load(sessions, s.model(), s.tokens());
            return new ParaformerRecognizer(sessions, model, workers, s.languages(),
                    "paraformer " + s.model().getFileName() + " " + String.join(",", s.languages()) + " ("
                            + s.model().getParent() + ")");
        } catch (ModelLoadException e) {
            throw new EngineUnavailableException("Paraformer cannot load its model: " + e.getMessage()
                    + " (fix " + ParaformerSettings.PREFIX + "dir)", e);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean supports(String language) {
        return language != null && languages.contains(ParaformerSettings.primary(language));
    }

    @Override
    public Transcript recognize(short[] samples, int offset, int length, int sampleRate) {
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (sampleRate < 1) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        long began = System.nanoTime();
        long audioMillis = length * 1000L / sampleRate;
        float[] audio = toModelRate(samples, offset, length, sampleRate);
        int fbankFrames = Fbank.frames(audio.length);
        if (fbankFrames == 0) {
            return new Transcript(List.of(), audioMillis, System.nanoTime() - began);
        }
        float[] lfr = model.features().apply(Fbank.compute(audio), fbankFrames);
        int frames = model.features().frames(fbankFrames);
        List<TokenText.Token> tokens;
        open.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the Paraformer recognizer is closed");
            }
            tokens = runs.run(() -> decode(lfr, frames, audioMillis));
        } catch (OrtException e) {
            throw new IllegalStateException("Paraformer: the model failed to run: " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
        List<RecognizedWord> words = TokenText.words(tokens);
        return new Transcript(words, audioMillis, System.nanoTime() - began);
    }

    private List<TokenText.Token> decode(float[] lfr, int frames, long audioMillis) throws OrtException {
        OrtEnvironment env = sessions.environment();
        int dim = model.features().outputDim();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor speech = OnnxTensor.createTensor(env, FloatBuffer.wrap(lfr), new long[] {1, frames, dim});
             OnnxTensor lengths = OnnxTensor.createTensor(env, IntBuffer.wrap(new int[] {frames}), new long[] {1})) {
            inputs.put(ParaformerModel.SPEECH, speech);
            inputs.put(ParaformerModel.SPEECH_LENGTHS, lengths);
            Set<String> wanted = model.peaks()
                    ? Set.of(ParaformerModel.LOGITS, ParaformerModel.TOKEN_NUM, ParaformerModel.PEAKS)
                    : Set.of(ParaformerModel.LOGITS, ParaformerModel.TOKEN_NUM);
            try (OrtSession.Result result = model.session().run(inputs, wanted)) {
                float[][][] logits = (float[][][]) result.get(ParaformerModel.LOGITS).orElseThrow().getValue();
                Object count = result.get(ParaformerModel.TOKEN_NUM).orElseThrow().getValue();
                long tokenNum = count instanceof int[] i ? i[0] : ((long[]) count)[0];
                float[] peaks = model.peaks()
                        ? ((float[][]) result.get(ParaformerModel.PEAKS).orElseThrow().getValue())[0] : null;
                return greedy(logits[0], tokenNum, peaks, audioMillis);
            }
        }
    }

    /** Picks the best token per position up to {@code tokenNum} or {@code </s>}, with times and probabilities. */
    private List<TokenText.Token> greedy(float[][] logits, long tokenNum, float[] peaks, long audioMillis) {
        int n = (int) Math.min(logits.length, Math.max(0, tokenNum));
        List<Integer> ids = new ArrayList<>();
        List<Double> probabilities = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            float[] row = logits[k];
            int best = 0;
            for (int v = 1; v < row.length; v++) {
                if (row[v] > row[best]) {
                    best = v;
                }
            }
            if (best == model.eos()) {
                break;
            }
            double sum = 0;
            for (float v : row) {
                sum += Math.exp(v - row[best]);
            }
            ids.add(best);
            probabilities.add(1 / sum);
        }
        long[] starts = peaks == null ? null : peakTimes(peaks, ids.size());
        List<TokenText.Token> tokens = new ArrayList<>(ids.size());
        for (int k = 0; k < ids.size(); k++) {
            long start;
            long end;
            if (starts != null) {
                start = Math.min(starts[k], audioMillis);
                end = Math.min(k + 1 < ids.size() ? starts[k + 1] : audioMillis, audioMillis);
            } else {
                start = audioMillis * k / ids.size();
                end = audioMillis * (k + 1) / ids.size();
            }
            String symbol = model.symbols().getOrDefault((long) ids.get(k), "<unk>");
            tokens.add(new TokenText.Token(symbol, start, Math.max(start, end), probabilities.get(k)));
        }
        return tokens;
    }

    /**
     * Returns the start of each of {@code count} tokens from the CIF peaks (values near 1 mark a token; the last
     * peak ends the utterance), or null when the peaks do not match the tokens.
     */
    static long[] peakTimes(float[] peaks, int count) {
        List<Long> times = new ArrayList<>();
        for (int k = 0; k < peaks.length; k++) {
            if (peaks[k] > 1 - 1e-4) {
                times.add(k * PEAK_STEP_MILLIS);
            }
        }
        if (!times.isEmpty()) {
            times.removeLast();
        }
        if (times.size() != count) {
            return null;
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    private static float[] toModelRate(short[] samples, int offset, int length, int sampleRate) {
        Resampler resampler = Resampler.create(sampleRate, Fbank.SAMPLE_RATE);
        short[] head = resampler.process(samples, offset, length);
        short[] tail = resampler.flush();
        float[] out = new float[head.length + tail.length];
        for (int i = 0; i < head.length; i++) {
            out[i] = head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            out[head.length + i] = tail[i];
        }
        return out;
    }

    /** Refuses new recognitions and closes the session once the running ones end (waiting up to 30 s). */
    @Override
    public void close() {
        boolean locked;
        try {
            locked = open.writeLock().tryLock(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            // A run outlived the wait: closing the session under it would crash the process.
            System.getLogger(ParaformerRecognizer.class.getName()).log(System.Logger.Level.WARNING,
                    "Paraformer: a recognition still runs after 30 s; its session stays open");
            return;
        }
        try {
            if (!closed) {
                closed = true;
                SessionFactory.closeQuietly(model.session());
            }
        } finally {
            open.writeLock().unlock();
        }
    }
}

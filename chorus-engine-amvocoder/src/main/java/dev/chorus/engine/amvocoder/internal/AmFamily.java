package dev.chorus.engine.amvocoder.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.OnnxMetadata;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.reload.ModelFamily;
import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.onnx.reload.VoiceFiles;
import dev.chorus.tts.Gender;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.Phonemizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Acoustic model + vocoder directories as a model family of the voice directory. A directory is one voice, named
 * after it: the acoustic model is the {@code .onnx} whose {@code model_type} metadata is this family's
 * ({@code matcha-tts} or {@code fastspeech2}); the vocoder is the first other {@code .onnx} beside it whose
 * {@code model_type} is {@code hifigan} or {@code vocos}; {@code tokens.txt} holds the vocabulary. File names do not
 * matter. A multi-speaker model ({@code n_speakers} > 1) offers {@code ENGINE:DIR#N} for each speaker too.
 */
final class AmFamily implements ModelFamily<AmModel> {

    private static final Set<String> VOCODERS = Set.of("hifigan", "vocos");

    private final AmKind kind;
    private final SessionFactory sessions;
    private final Phonemizer phonemizer;
    private final String phonemizerProblem;
    private final int maxRuns;
    private final int batchSize;
    private final long batchWaitNanos;
    private boolean copyHandOff;

    AmFamily(AmKind kind, SessionFactory sessions, Phonemizer phonemizer, String phonemizerProblem, int maxRuns,
             int batchSize, long batchWaitNanos) {
        this.batchSize = batchSize;
        this.batchWaitNanos = batchWaitNanos;
        this.kind = kind;
        this.sessions = sessions;
        this.phonemizer = phonemizer;
        this.phonemizerProblem = phonemizerProblem;
        this.maxRuns = maxRuns;
    }

    /** Makes models loaded from now on copy the mel through a Java array (for measurements only). */
    void copyHandOff(boolean copy) {
        this.copyHandOff = copy;
    }

    @Override
    public String engineId() {
        return kind.engineId;
    }

    @Override
    public Optional<VoiceFiles> recognise(Path file) {
        if (!file.getFileName().toString().endsWith(".onnx") || file.getParent() == null
                || !OnnxMetadata.modelType(file).map(kind.modelType::equals).orElse(false)) {
            return Optional.empty();
        }
        Path dir = file.getParent();
        Path vocoder = null;
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".onnx") && !p.equals(file)
                    && !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                if (OnnxMetadata.modelType(p).map(VOCODERS::contains).orElse(false)) {
                    vocoder = p;
                    break;
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        List<VoiceFiles.Companion> companions = new ArrayList<>();
        companions.add(new VoiceFiles.Companion(dir.resolve("tokens.txt"), "the vocabulary, tokens.txt"));
        companions.add(new VoiceFiles.Companion(vocoder != null ? vocoder : dir.resolve("vocoder.onnx"),
                "a vocoder: an .onnx whose model_type metadata is hifigan or vocos"));
        return Optional.of(new VoiceFiles(dir.getFileName().toString(), file, companions));
    }

    @Override
    public AmModel load(VoiceFiles files, int version, List<byte[]> contents) throws ModelLoadException {
        if (phonemizer == null) {
            throw new ModelLoadException(files.primary(), "these voices need the espeak engine's phonemizer, which is "
                    + "unavailable: " + phonemizerProblem);
        }
        AmModel.Builder b = new AmModel.Builder();
        b.name = kind.engineId + ":" + files.name();
        b.version = version;
        b.acousticFile = files.primary();
        b.vocoderFile = files.companions().get(1).file();
        b.sessions = sessions;
        b.maxRuns = maxRuns;
        b.batchSize = batchSize;
        b.copyHandOff = copyHandOff;
        b.batchWaitNanos = batchWaitNanos;
        try {
            b.tokens = TokenTable.parse(contents.get(1));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(files.companions().getFirst().file(), e.getMessage());
        }
        b.acoustic = sessions.create(b.acousticFile, contents.get(0));
        boolean ok = false;
        try {
            b.vocoder = sessions.create(b.vocoderFile, contents.get(2));
            Map<String, String> am = metadata(b.acoustic, b.acousticFile);
            Map<String, String> voc = metadata(b.vocoder, b.vocoderFile);
            b.sampleRate = integer(am, "sample_rate", 22_050, b.acousticFile);
            b.speakers = integer(am, "n_speakers", 1, b.acousticFile);
            b.espeakVoice = am.getOrDefault("voice", "en-us");
            b.blank = integer(am, "add_blank", 0, b.acousticFile) > 0 ? integer(am, "pad_id", 0, b.acousticFile)
                    : -1;
            if ("vocos".equals(voc.get(OnnxMetadata.MODEL_TYPE))) {
                int nFft = integer(voc, "n_fft", 1024, b.vocoderFile);
                if (Integer.bitCount(nFft) != 1 || !"hann".equals(voc.getOrDefault("window_type", "hann"))) {
                    throw new ModelLoadException(b.vocoderFile, "n_fft " + nFft + ", window_type "
                            + voc.get("window_type") + " (expected: a power of two, and hann)");
                }
                try {
                    b.istft = new Istft(nFft, integer(voc, "hop_length", 256, b.vocoderFile),
                            integer(voc, "win_length", nFft, b.vocoderFile),
                            integer(voc, "center", 1, b.vocoderFile) == 1);
                } catch (IllegalArgumentException e) {
                    throw new ModelLoadException(b.vocoderFile, e.getMessage());
                }
            }
            AmModel model = AmModel.create(b);
            ok = true;
            return model;
        } finally {
            if (!ok) {
                SessionFactory.closeQuietly(b.acoustic);
                SessionFactory.closeQuietly(b.vocoder);
            }
        }
    }

    private static Map<String, String> metadata(OrtSession s, Path file) throws ModelLoadException {
        try {
            return s.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new ModelLoadException(file, "cannot read the model's metadata: " + e.getMessage());
        }
    }

    private static int integer(Map<String, String> meta, String key, int fallback, Path file)
            throws ModelLoadException {
        String v = meta.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelLoadException(file, "metadata " + key + ": '" + v + "' (expected: an integer >= 0)");
    }

    @Override
    public List<VoiceInfo> voices(ModelVersion<AmModel> version) {
        List<VoiceInfo> out = new ArrayList<>();
        out.add(info(version, 0));
        for (int s = 1; s < version.model().speakers; s++) {
            out.add(info(version, s));
        }
        return out;
    }

    @Override
    public String describe(AmModel model) {
        return model.provider.id() + (model.batcher() != null ? ", batched" : "") + ", vocoder "
                + model.vocoderFile.getFileName() + (model.vocos ? " (vocos)" : " (hifigan)");
    }

    /** Returns the catalog entry of speaker {@code speaker} (0: the base id). */
    VoiceInfo info(ModelVersion<AmModel> version, int speaker) {
        AmModel m = version.model();
        String id = kind.engineId + ":" + version.name() + (speaker == 0 ? "" : "#" + speaker);
        String language = m.espeakVoice.equalsIgnoreCase("en-us") ? "en-US" : m.espeakVoice.equalsIgnoreCase("en-gb")
                ? "en-GB" : m.espeakVoice.replace('_', '-');
        return new VoiceInfo(id, version.name() + (speaker == 0 ? "" : " #" + speaker) + " (" + kind.engineId + ")",
                language, Gender.UNKNOWN, m.sampleRate, kind.engineId, Integer.toString(version.version()), false);
    }
}

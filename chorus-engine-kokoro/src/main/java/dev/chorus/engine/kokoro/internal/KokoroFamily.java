package dev.chorus.engine.kokoro.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.chorus.engine.kokoro.KokoroEngineProvider;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Kokoro model directories as a model family of the voice directory. A directory holds one {@code .onnx} model,
 * recognised by its {@code model_type=kokoro} metadata (sherpa-onnx's layout, whatever the file's name) or, without
 * metadata, by {@code tokens.txt} and a {@code voices} folder beside it; {@code tokens.txt}; and the styles, either
 * one packed {@code voices.bin} ({@code n_speakers × rows × dim} floats, speakers named by the {@code speaker_names}
 * metadata) or one {@code voices/NAME.bin} per speaker ({@code rows × dim} floats). The directory's name is the
 * version's name; each speaker is a voice {@code kokoro:SPEAKER}.
 */
final class KokoroFamily implements ModelFamily<KokoroModel> {

    static final int DEFAULT_RATE = 24_000;
    static final int DEFAULT_ROWS = 510;
    static final int DEFAULT_DIM = 256;

    private final SessionFactory sessions;
    private final Phonemizer phonemizer;
    private final String phonemizerProblem;
    private final int maxRuns;
    private final KokoroModel.Batching batching;
    /** A model directory that serves a speaker, and the rank of the voices directory it lies in (0 first). */
    private record Owner(String name, int rank) {
    }

    /** Which model directory serves each speaker: the one in the earliest voices directory. */
    private final Map<String, Owner> owners = new ConcurrentHashMap<>();
    private final List<Path> roots;

    KokoroFamily(SessionFactory sessions, Phonemizer phonemizer, String phonemizerProblem, int maxRuns,
                 KokoroModel.Batching batching, List<Path> roots) {
        this.batching = batching;
        this.roots = List.copyOf(roots);
        this.sessions = sessions;
        this.phonemizer = phonemizer;
        this.phonemizerProblem = phonemizerProblem;
        this.maxRuns = maxRuns;
    }

    @Override
    public String engineId() {
        return KokoroEngineProvider.ID;
    }

    @Override
    public Optional<VoiceFiles> recognise(Path file) {
        if (!file.getFileName().toString().endsWith(".onnx") || file.getParent() == null) {
            return Optional.empty();
        }
        Path dir = file.getParent();
        Optional<String> type = OnnxMetadata.modelType(file);
        boolean ours = type.map("kokoro"::equals).orElse(false)
                || (type.isEmpty() && Files.isRegularFile(dir.resolve("tokens.txt"))
                && Files.isDirectory(dir.resolve("voices")));
        if (!ours) {
            return Optional.empty();
        }
        List<VoiceFiles.Companion> companions = new ArrayList<>();
        companions.add(new VoiceFiles.Companion(dir.resolve("tokens.txt"), "the vocabulary, tokens.txt"));
        List<Path> styleFiles = List.of();
        if (!Files.exists(dir.resolve("voices.bin"))) {
            try (Stream<Path> list = Files.list(dir.resolve("voices"))) {
                styleFiles = list.filter(p -> p.getFileName().toString().endsWith(".bin")
                        && !p.getFileName().toString().startsWith(".")).sorted().toList();
            } catch (IOException e) {
                styleFiles = List.of();
            }
        }
        if (styleFiles.isEmpty()) {
            companions.add(new VoiceFiles.Companion(dir.resolve("voices.bin"),
                    "the speakers' styles, voices.bin or voices/NAME.bin"));
        } else {
            styleFiles.forEach(p -> companions.add(new VoiceFiles.Companion(p, "a speaker's styles")));
        }
        return Optional.of(new VoiceFiles(dir.getFileName().toString(), file, companions));
    }

    @Override
    public KokoroModel load(VoiceFiles files, int version, List<byte[]> contents) throws ModelLoadException {
        Path onnx = files.primary();
        if (phonemizer == null) {
            throw new ModelLoadException(onnx, "Kokoro voices need the espeak engine's phonemizer, which is "
                    + "unavailable: " + phonemizerProblem);
        }
        Path tokensFile = files.companions().getFirst().file();
        Tokens tokens;
        try {
            tokens = Tokens.parse(contents.get(1));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(tokensFile, e.getMessage());
        }
        OrtSession session = sessions.create(onnx, contents.get(0));
        boolean ok = false;
        try {
            Map<String, String> meta;
            try {
                meta = session.getMetadata().getCustomMetadata();
            } catch (OrtException e) {
                throw new ModelLoadException(onnx, "cannot read the model's metadata: " + e.getMessage());
            }
            int rate = intMeta(meta, "sample_rate", DEFAULT_RATE, onnx);
            int rows = DEFAULT_ROWS;
            int dim = DEFAULT_DIM;
            String styleDim = meta.get("style_dim");
            if (styleDim != null) {
                String[] d = styleDim.split(",");
                try {
                    if (d.length != 3 || Integer.parseInt(d[1].strip()) != 1) {
                        throw new NumberFormatException();
                    }
                    rows = Integer.parseInt(d[0].strip());
                    dim = Integer.parseInt(d[2].strip());
                } catch (NumberFormatException e) {
                    throw new ModelLoadException(onnx, "metadata style_dim: '" + styleDim
                            + "' (expected: ROWS,1,DIM such as 510,1,256)");
                }
            }
            String defaultVoice = meta.getOrDefault("voice", "en-us");
            Map<String, KokoroModel.Speaker> speakers = new LinkedHashMap<>();
            List<VoiceFiles.Companion> styles = files.companions().subList(1, files.companions().size());
            if (styles.size() == 1 && styles.getFirst().file().getFileName().toString().equals("voices.bin")) {
                Path bin = styles.getFirst().file();
                String names = meta.get("speaker_names");
                if (names == null || names.isBlank()) {
                    throw new ModelLoadException(onnx, "a packed voices.bin needs the speaker_names metadata "
                            + "(expected: the names, comma-separated, as sherpa-onnx writes them)");
                }
                List<String> list = Stream.of(names.split(",")).map(String::strip).toList();
                int n = intMeta(meta, "n_speakers", list.size(), onnx);
                if (n != list.size()) {
                    throw new ModelLoadException(onnx, "metadata n_speakers: " + n + " but speaker_names has "
                            + list.size() + " names");
                }
                byte[] data = contents.get(2);
                long expected = (long) n * rows * dim * Float.BYTES;
                if (data.length != expected) {
                    throw new ModelLoadException(bin, data.length + " bytes (expected: n_speakers " + n + " x "
                            + rows + " x " + dim + " floats = " + expected + " bytes)");
                }
                float[] all = floats(data);
                for (int s = 0; s < n; s++) {
                    float[] table = new float[rows * dim];
                    System.arraycopy(all, s * rows * dim, table, 0, table.length);
                    speakers.put(list.get(s), speaker(list.get(s), table, defaultVoice));
                }
            } else {
                for (int i = 0; i < styles.size(); i++) {
                    Path f = styles.get(i).file();
                    byte[] data = contents.get(2 + i);
                    String speaker = f.getFileName().toString().replaceFirst("\\.bin$", "");
                    if (data.length == 0 || data.length % (dim * Float.BYTES) != 0) {
                        throw new ModelLoadException(f, data.length + " bytes (expected: ROWS x 1 x " + dim
                                + " float32 values, " + rows * dim * Float.BYTES + " bytes for " + rows + " rows)");
                    }
                    if (i == 0 && styleDim == null) {
                        rows = data.length / (dim * Float.BYTES);
                    } else if (data.length / (dim * Float.BYTES) != rows) {
                        throw new ModelLoadException(f, data.length / (dim * Float.BYTES) + " style rows (expected: "
                                + rows + ", as the other speakers')");
                    }
                    speakers.put(speaker, speaker(speaker, floats(data), defaultVoice));
                }
            }
            KokoroModel model = KokoroModel.create(files.name(), version, onnx, contents.get(0), sessions, session,
                    new KokoroModel.Parts(rate, rows, dim, tokens, Map.copyOf(speakers)), maxRuns, batching, () -> { });
            ok = true;
            return model;
        } finally {
            if (!ok) {
                SessionFactory.closeQuietly(session);
            }
        }
    }

    private static int intMeta(Map<String, String> meta, String key, int fallback, Path file)
            throws ModelLoadException {
        String v = meta.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelLoadException(file, "metadata " + key + ": '" + v + "' (expected: an integer > 0)");
    }

    private static float[] floats(byte[] data) {
        float[] out = new float[data.length / Float.BYTES];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Kokoro names speakers LANGUAGE + GENDER + '_' + NAME: {@code af_bella} is American English, female. */
    private static KokoroModel.Speaker speaker(String name, float[] table, String defaultVoice) {
        String espeak = defaultVoice;
        String language = defaultVoice.equals("en-us") ? "en-US" : defaultVoice;
        if (name.length() > 2 && name.charAt(2) == '_') {
            switch (name.charAt(0)) {
                case 'a' -> { espeak = "en-us"; language = "en-US"; }
                case 'b' -> { espeak = "en-gb"; language = "en-GB"; }
                case 'e' -> { espeak = "es"; language = "es"; }
                case 'f' -> { espeak = "fr-fr"; language = "fr-FR"; }
                case 'h' -> { espeak = "hi"; language = "hi"; }
                case 'i' -> { espeak = "it"; language = "it"; }
                case 'j' -> { espeak = "ja"; language = "ja"; }
                case 'p' -> { espeak = "pt-br"; language = "pt-BR"; }
                case 'z' -> { espeak = "cmn"; language = "zh"; }
                default -> { }
            }
        }
        return new KokoroModel.Speaker(name, table, espeak, language);
    }

    @Override
    public List<VoiceInfo> voices(ModelVersion<KokoroModel> version) {
        List<VoiceInfo> out = new ArrayList<>();
        int rank = rank(version.file());
        for (String s : version.model().speakers.keySet()) {
            Owner now = owners.merge(s, new Owner(version.name(), rank),
                    (old, mine) -> mine.rank() < old.rank() || old.name().equals(mine.name()) ? mine : old);
            if (now.name().equals(version.name())) {
                out.add(info(version, s, List.of(s)));
            }
        }
        return out;
    }

    private int rank(Path file) {
        for (int i = 0; i < roots.size(); i++) {
            if (file.startsWith(roots.get(i))) {
                return i;
            }
        }
        return roots.size();
    }

    /** Returns the model directory that serves {@code speaker}, if one does. */
    Optional<String> owner(String speaker) {
        return Optional.ofNullable(owners.get(speaker)).map(Owner::name);
    }

    /** Forgets a speaker's owner whose directory no longer loads, so another directory may serve it. */
    void forget(String speaker) {
        owners.remove(speaker);
    }

    @Override
    public String describe(KokoroModel model) {
        return model.provider.id() + ", " + model.speakers.size() + " speakers"
                + (model.batcher() != null ? ", batched" : "");
    }

    /** Returns the catalog entry of a voice name (one speaker or a blend) of a loaded version. */
    VoiceInfo info(ModelVersion<KokoroModel> version, String localName, List<String> speakers) {
        KokoroModel model = version.model();
        KokoroModel.Speaker first = model.speakers.get(speakers.getFirst());
        Gender gender = Gender.UNKNOWN;
        if (speakers.size() == 1 && localName.length() > 2 && localName.charAt(2) == '_') {
            gender = localName.charAt(1) == 'f' ? Gender.FEMALE : localName.charAt(1) == 'm' ? Gender.MALE
                    : Gender.UNKNOWN;
        }
        String display = (speakers.size() == 1 ? localName : "blend " + localName) + " (Kokoro " + version.name()
                + ")" + (model.provider.id().equals("cpu") ? "" : " [" + model.provider.id() + "]");
        return new VoiceInfo(KokoroEngineProvider.ID + ":" + localName, display, first.language(), gender,
                model.sampleRate, KokoroEngineProvider.ID, Integer.toString(version.version()), false);
    }
}

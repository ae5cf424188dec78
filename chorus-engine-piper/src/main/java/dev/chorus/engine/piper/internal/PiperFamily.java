package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.OnnxMetadata;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.reload.ModelFamily;
import dev.chorus.onnx.reload.ModelVersion;
import dev.chorus.onnx.reload.VoiceFiles;
import dev.chorus.tts.Gender;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.Phonemizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Piper voices as a model family of the voice directory: {@code NAME.onnx} with its config {@code NAME.onnx.json}
 * beside it; loading parses and checks the config, checks the phonemizer knows its {@code espeak.voice}, and
 * creates and test-runs the session. A version offers {@code piper:NAME} plus {@code piper:NAME#SPEAKER} per named
 * speaker. A model whose metadata says {@code model_type=vits} is one of sherpa-onnx's layouts instead: a Piper
 * export ({@code comment=piper}) with {@code tokens.txt}, or a lexicon or character model read by
 * {@link SherpaFrontend} ({@code tokens.txt}, and {@code lexicon.txt} for lexicon models).
 */
final class PiperFamily implements ModelFamily<PiperModel> {

    private static final String MODEL_SUFFIX = ".onnx";
    private static final String TOKENS = "tokens.txt";
    private static final String LEXICON = "lexicon.txt";

    private final SessionFactory sessions;
    private final Phonemizer phonemizer;
    private final String phonemizerProblem;
    private final int maxConcurrentRuns;
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final AtomicInteger sessionsClosed = new AtomicInteger();

    /**
     * @param phonemizer        eSpeak's phonemizer, or {@code null} when there is none
     * @param phonemizerProblem why there is none, for the failures of voices that need it
     */
    PiperFamily(SessionFactory sessions, Phonemizer phonemizer, String phonemizerProblem, int maxConcurrentRuns) {
        this.sessions = sessions;
        this.phonemizer = phonemizer;
        this.phonemizerProblem = phonemizerProblem;
        this.maxConcurrentRuns = maxConcurrentRuns;
    }

    @Override
    public String engineId() {
        return PiperEngineProvider.ID;
    }

    @Override
    public Optional<VoiceFiles> recognise(Path file) {
        String f = file.getFileName().toString();
        if (!f.endsWith(MODEL_SUFFIX)) {
            return Optional.empty();
        }
        String name = f.substring(0, f.length() - MODEL_SUFFIX.length());
        Path json = file.resolveSibling(f + ".json");
        if (!Files.exists(json)) {
            Map<String, String> metadata = metadata(file);
            Optional<String> type = Optional.ofNullable(metadata.get(OnnxMetadata.MODEL_TYPE));
            if (type.filter(t -> t.equals("vits") || t.equals("melo-vits")).isPresent()) {
                // sherpa-onnx's layout: settings in the model's metadata, token ids in tokens.txt and, for the
                // lexicon models, the words' tokens in lexicon.txt.
                List<VoiceFiles.Companion> companions = new ArrayList<>();
                companions.add(new VoiceFiles.Companion(file.resolveSibling(TOKENS), "the token ids, tokens.txt"));
                if (needsLexicon(metadata)) {
                    companions.add(new VoiceFiles.Companion(file.resolveSibling(LEXICON),
                            "the words' tokens, lexicon.txt"));
                }
                return Optional.of(new VoiceFiles(name, file, companions));
            }
            if (type.isPresent()) {
                // Another family's model in a shared voices directory (Kokoro, Matcha, a vocoder): not Piper's.
                return Optional.empty();
            }
        }
        return Optional.of(new VoiceFiles(name, file, List.of(new VoiceFiles.Companion(json, "the voice's config"))));
    }

    @Override
    public PiperModel load(VoiceFiles files, int version, List<byte[]> contents) throws ModelLoadException {
        Path onnx = files.primary();
        Path json = files.companions().getFirst().file();
        VoiceConfig config;
        try {
            if (json.getFileName().toString().equals(TOKENS)) {
                Map<String, String> metadata;
                try {
                    metadata = OnnxMetadata.read(onnx);
                } catch (java.io.IOException e) {
                    throw new ModelLoadException(onnx, e.getMessage());
                }
                if (!"piper".equals(metadata.getOrDefault("comment", "").strip())) {
                    return loadSherpa(files, version, contents, metadata);
                }
                config = VoiceConfig.parse(SherpaVits.config(metadata, contents.get(1)));
            } else {
                config = VoiceConfig.parse(contents.get(1));
            }
        } catch (VoiceConfig.Invalid e) {
            throw new ModelLoadException(json, e.getMessage());
        }
        if (config.phonemeType() == VoiceConfig.PhonemeType.ESPEAK) {
            if (phonemizer == null) {
                throw new ModelLoadException(json, "phoneme_type: \"espeak\" needs the espeak engine's "
                        + "phonemizer, which is unavailable: " + phonemizerProblem
                        + " (voices with phoneme_type \"text\" still load)");
            }
            try {
                phonemizer.phonemize("a", config.espeakVoice());
            } catch (InvalidInputException e) {
                throw new ModelLoadException(json, "espeak.voice: '" + config.espeakVoice()
                        + "' is not a voice eSpeak NG has here: " + e.getMessage());
            }
        }
        PiperModel model = PiperModel.create(files.name(), version, onnx, json, config, sessions, contents.get(0),
                maxConcurrentRuns, sessionsClosed::incrementAndGet);
        sessionsOpened.incrementAndGet();
        return model;
    }

    /**
     * Returns whether a sherpa-onnx VITS model reads a lexicon.txt: not Piper exports, not character models, not
     * Coqui or icefall models read through eSpeak NG.
     */
    private static boolean needsLexicon(Map<String, String> metadata) {
        return !"piper".equals(metadata.getOrDefault("comment", "").strip())
                && !SherpaFrontend.characters(metadata) && unsupported(metadata) == null
                && !CoquiIcefallFrontend.handles(metadata);
    }

    /** Returns the metadata of a model file, or none when it cannot be read (its load then says why). */
    private static Map<String, String> metadata(Path onnx) {
        try {
            return OnnxMetadata.read(onnx);
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }

    /** Returns why a sherpa-onnx VITS model cannot be spoken here, or {@code null} when it can. */
    private static String unsupported(Map<String, String> metadata) {
        String comment = metadata.getOrDefault("comment", "").strip();
        // As in sherpa-onnx, Chinese and MeloTTS models come first, whatever their comment: an icefall model whose
        // language is Chinese (vits-icefall-zh-aishell3) is read by SherpaChinese, not as an eSpeak NG one.
        if (SherpaChinese.mode(metadata) != null) {
            return null;
        }
        if (CoquiIcefallFrontend.handles(metadata)) {
            return null;
        }
        if (comment.contains("melo")) {
            return "a sherpa-onnx VITS model of kind '" + comment + "' with metadata language '"
                    + metadata.getOrDefault("language", "") + "' and no jieba: MeloTTS models are not supported in "
                    + "other languages (expected: jieba=1 for Chinese and English, or language=English)";
        }
        return null;
    }

    private PiperModel loadSherpa(VoiceFiles files, int version, List<byte[]> contents, Map<String, String> metadata)
            throws ModelLoadException {
        Path onnx = files.primary();
        Path tokens = files.companions().getFirst().file();
        String why = unsupported(metadata);
        if (why != null) {
            throw new ModelLoadException(onnx, why);
        }
        boolean lexicon = files.companions().size() > 1;
        SherpaFrontend frontend;
        try {
            String owner = engineId() + ":" + files.name() + "@" + version + " (" + onnx + ")";
            // CoquiIcefallFrontend.handles leaves out the Chinese models, which SherpaFrontend.of gives SherpaChinese.
            frontend = CoquiIcefallFrontend.handles(metadata)
                    ? CoquiIcefallFrontend.of(metadata, contents.get(1), phonemizer, phonemizerProblem, owner)
                    : SherpaFrontend.of(metadata, contents.get(1), lexicon ? contents.get(2) : null, owner);
        } catch (SherpaFrontend.Invalid e) {
            Path at = switch (e.which) {
                case MODEL -> onnx;
                case TOKENS -> tokens;
                case LEXICON -> files.companions().get(1).file();
            };
            throw new ModelLoadException(at, e.getMessage());
        }
        Map<Integer, long[]> ids = Map.of(VoiceConfig.PAD, new long[] {0}, VoiceConfig.BOS, new long[] {0},
                VoiceConfig.EOS, new long[] {0}, 0xE000, new long[] {frontend.maxId()});
        VoiceConfig config = new VoiceConfig(frontend.sampleRate, 256, VoiceConfig.PhonemeType.TEXT, null, 0.667f,
                1f, 0.8f, ids, Map.of(), 0, frontend.speakers, Map.of(), frontend.language,
                null);
        PiperModel model = PiperModel.create(files.name(), version, onnx, tokens, config, frontend, sessions,
                contents.get(0), maxConcurrentRuns, sessionsClosed::incrementAndGet);
        sessionsOpened.incrementAndGet();
        return model;
    }

    @Override
    public List<VoiceInfo> voices(ModelVersion<PiperModel> version) {
        List<VoiceInfo> out = new ArrayList<>();
        String id = engineId() + ":" + version.name();
        out.add(info(version, id, null));
        for (String speaker : version.model().config.speakers().keySet()) {
            out.add(info(version, id + "#" + speaker, speaker));
        }
        return out;
    }

    @Override
    public String describe(PiperModel model) {
        return model.provider.id();
    }

    /** Returns the catalog entry of one speaker ({@code null}: the base id) of a loaded version. */
    VoiceInfo info(ModelVersion<PiperModel> version, String id, String speaker) {
        PiperModel model = version.model();
        VoiceConfig c = model.config;
        String base = c.dataset() != null ? c.dataset() : version.name();
        String provider = model.provider.id();
        String display = (speaker == null ? base : base + " (" + speaker + ")")
                + ("cpu".equals(provider) ? "" : " [" + provider + "]");
        return new VoiceInfo(id, display, c.language(), Gender.UNKNOWN, c.sampleRate(), engineId(),
                Integer.toString(version.version()), false);
    }

    /** Returns how many sessions (voice versions) were created. */
    int sessionsOpened() {
        return sessionsOpened.get();
    }

    /** Returns how many sessions were closed. */
    int sessionsClosed() {
        return sessionsClosed.get();
    }
}

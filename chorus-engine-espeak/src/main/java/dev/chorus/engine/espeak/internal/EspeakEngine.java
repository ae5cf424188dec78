package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.Phonemizer.PhonemeClause;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code espeak} engine: a pool of initialized libespeak-ng instances, the voice catalog they share, and the
 * voices and phonemizer that borrow instances from the pool. Thread-safe.
 */
public final class EspeakEngine implements TtsEngine {

    /** The engine id and voice id prefix. */
    public static final String ID = "espeak";

    private static final System.Logger LOG = System.getLogger(EspeakEngine.class.getName());
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final VoiceCatalog catalog;
    private final WorkerPool pool;
    private final String description;
    private final Phonemizer phonemizer = new EspeakPhonemizer(this);
    private final AtomicBoolean closed = new AtomicBoolean();

    private EspeakEngine(VoiceCatalog catalog, WorkerPool pool, String description) {
        this.catalog = catalog;
        this.pool = pool;
        this.description = description;
    }

    /**
     * Opens the engine as {@link dev.chorus.engine.espeak.EspeakEngineProvider#open} documents.
     *
     * @throws EngineUnavailableException if the library or its data is missing
     * @throws IllegalArgumentException   if a setting is invalid
     */
    public static EspeakEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        EspeakSettings settings = EspeakSettings.from(context);
        String data = LibraryLocator.data(settings.data());
        Path library = LibraryLocator.library(settings.library());
        int count = settings.isolation() == EspeakSettings.Isolation.COPIES ? context.workers() : 1;
        List<EspeakInstance> instances = PrivateCopies.load(library, data, count);
        EspeakInstance first = instances.getFirst();
        if (!first.rewinds()) {
            LOG.log(System.Logger.Level.WARNING, "eSpeak NG at {0}: cannot reset its static state between "
                    + "requests, so audio may differ slightly with what each worker spoke before", library);
        }
        VoiceCatalog catalog = VoiceCatalog.of(first.voices(), ID, first.sampleRate(), first.version());
        String isolation = settings.isolation() == EspeakSettings.Isolation.LOCK ? "one instance behind a lock"
                : count + " private copies";
        String description = String.format(Locale.ROOT, "eSpeak NG %s in-process (%s, data %s; %s)",
                first.version(), library, first.dataPath(), isolation);
        return new EspeakEngine(catalog, new WorkerPool(instances, CLOSE_TIMEOUT), description);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<VoiceInfo> voices() {
        return catalog.infos();
    }

    @Override
    public Voice load(String voiceId) {
        Objects.requireNonNull(voiceId, "voiceId");
        ensureOpen();
        VoiceCatalog.Entry entry = catalog.byId(voiceId)
                .orElseThrow(() -> new VoiceNotFoundException(voiceId, catalog.suggestions(voiceId)));
        return new EspeakVoice(this, entry);
    }

    @Override
    public Optional<Phonemizer> phonemizer() {
        return Optional.of(phonemizer);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.close();
        }
    }

    /**
     * Refuses a language eSpeak NG has no voice for; any other switches the synthesis to the voice eSpeak prefers
     * for it, as {@link #synthesize} does.
     */
    @Override
    public void checkLanguage(VoiceInfo voice, String language) {
        if (language != null && !catalog.byId(voice.id()).map(v -> speaks(v, language)).orElse(false)) {
            resolve(language, "language");
        }
    }

    @Override
    public LanguageReach languageReach() {
        return LanguageReach.ENGINE;
    }

    /** Synthesizes for {@link EspeakVoice}: validates, borrows an instance, and runs one synthesis. */
    boolean synthesize(VoiceCatalog.Entry voice, String text, SynthesisOptions options, AudioSink sink) {
        ensureOpen();
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        ChunkText.validate(text);
        VoiceCatalog.Entry target = options.language() == null || speaks(voice, options.language()) ? voice
                : resolve(options.language(), "language");
        int wordsPerMinute = SpeakingRate.wordsPerMinute(options.speed());
        EspeakInstance instance = pool.acquire(target.identifier());
        try {
            return instance.synthesize(target.identifier(), text, wordsPerMinute, sink);
        } finally {
            pool.release(instance);
        }
    }

    /** Phonemizes for {@link EspeakPhonemizer}. */
    List<PhonemeClause> phonemize(String text, String language) {
        ensureOpen();
        Objects.requireNonNull(language, "language");
        ChunkText.validate(text);
        VoiceCatalog.Entry voice = resolve(language, "language");
        EspeakInstance instance = pool.acquire(voice.identifier());
        try {
            return instance.phonemize(voice.identifier(), text);
        } finally {
            pool.release(instance);
        }
    }

    /** Fails if the engine is closed. */
    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("espeak engine is closed");
        }
    }

    private VoiceCatalog.Entry resolve(String language, String param) {
        return catalog.resolve(language).orElseThrow(() -> new InvalidInputException(param, param + ": '" + language
                + "' (expected: a language eSpeak NG speaks, e.g. en-US, de, cmn-Latn-pinyin, or a voice name)"));
    }

    /** Returns whether {@code language} names the voice's own language, so the voice stays as chosen. */
    private static boolean speaks(VoiceCatalog.Entry voice, String language) {
        String own = voice.info().language().toLowerCase(Locale.ROOT);
        String wanted = language.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return own.equals(wanted) || own.startsWith(wanted + "-") || wanted.startsWith(own + "-");
    }
}

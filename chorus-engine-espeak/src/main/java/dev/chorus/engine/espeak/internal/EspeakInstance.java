package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.Phonemizer.PhonemeClause;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static dev.chorus.engine.espeak.internal.NativeApi.call;
import static dev.chorus.engine.espeak.internal.NativeApi.callVoid;
import static dev.chorus.engine.espeak.internal.NativeApi.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One loaded, initialized copy of libespeak-ng with its own globals. Not thread-safe: the {@link WorkerPool} lends
 * it to one thread at a time.
 *
 * <p>Each operation first rewinds the library's statics to the checkpoint taken after its voice was loaded (see
 * {@link StaticState}), so results do not depend on what this copy did before. Switching voices rewinds to the
 * checkpoint taken right after initialization first, for the same reason.
 */
@SuppressWarnings("restricted")
final class EspeakInstance implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EspeakInstance.class.getName());
    private static final String WARM_UP_TEXT = "a";
    /** How long {@link #close} waits for the library to stop its threads. */
    private static final int TERMINATE_SECONDS = 5;

    private final Arena libraryArena;
    private final Arena stubArena;
    private final NativeApi.Functions fn;
    private final SynthCallback callback;
    /** {@code null} when this library's statics cannot be rewound; results then depend on history. */
    private final StaticState state;
    private final int sampleRate;
    private final List<VoiceCatalog.RawVoice> voices;
    private final String version;
    private final String dataPath;
    private final StaticState.Checkpoint initial;
    private StaticState.Checkpoint voiceLoaded;
    private String currentVoice;

    private EspeakInstance(Arena libraryArena, Arena stubArena, SymbolLookup lookup, ElfImage elf, String data) {
        this.libraryArena = libraryArena;
        this.stubArena = stubArena;
        this.fn = NativeApi.Functions.find(lookup);
        this.state = rewindableState(elf, lookup);
        this.sampleRate = initialize(data);
        this.callback = new SynthCallback();
        MemorySegment callbackStub = callback.stub(stubArena);
        callVoid(() -> {
            NativeApi.SET_SYNTH_CALLBACK.invokeExact(fn.setSynthCallback(), callbackStub);
        });
        // Listing also fills eSpeak's own voice table, which voice selection would otherwise build later.
        this.voices = listVoices();
        String[] info = info();
        this.version = info[0];
        this.dataPath = info[1];
        this.initial = state == null ? null : state.capture();
    }

    /**
     * Loads the library file {@code copy} and initializes it with data from {@code data}, or the library's default
     * location when {@code null}.
     *
     * @param original the library {@code copy} was copied from, for messages
     * @param elf      the parsed headers of the library, or {@code null} to run without rewinding statics
     * @throws EngineUnavailableException if the library cannot be loaded or initialized
     */
    static EspeakInstance load(Path copy, Path original, ElfImage elf, String data) {
        Arena libraryArena = Arena.ofShared();
        Arena stubArena = Arena.ofShared();
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(copy, libraryArena);
            return new EspeakInstance(libraryArena, stubArena, lookup, elf, data);
        } catch (RuntimeException | Error e) {
            libraryArena.close();
            stubArena.close();
            if (e instanceof EngineUnavailableException u) {
                throw u;
            }
            throw new EngineUnavailableException("eSpeak NG: cannot load " + original + ": " + e.getMessage()
                    + "; install the Debian packages libespeak-ng1 espeak-ng-data or fix espeak.library", e);
        }
    }

    /** Returns the output sample rate in Hz. */
    int sampleRate() {
        return sampleRate;
    }

    /** Returns the library's version, e.g. {@code 1.51}. */
    String version() {
        return version;
    }

    /** Returns the data directory the library uses. */
    String dataPath() {
        return dataPath;
    }

    /** Returns the voices as {@code espeak_ListVoices} listed them when this copy was loaded. */
    List<VoiceCatalog.RawVoice> voices() {
        return voices;
    }

    /** Returns whether results are independent of history (statics are rewound). */
    boolean rewinds() {
        return state != null;
    }

    /** Returns how many heap blocks the library holds, or -1 when they are not tracked; for tests. */
    int liveBlocks() {
        return state == null ? -1 : state.liveBlocks();
    }

    /** Returns the identifier of the voice currently loaded, or {@code null}. */
    String currentVoice() {
        return currentVoice;
    }

    /**
     * Synthesizes {@code text} with the voice {@code identifier} at {@code wordsPerMinute}, streaming to
     * {@code sink}; returns {@code false} if the sink stopped it.
     */
    boolean synthesize(String identifier, String text, int wordsPerMinute, AudioSink sink) {
        useVoice(identifier);
        rewind(voiceLoaded);
        int status = call(() -> (int) NativeApi.SET_PARAMETER.invokeExact(fn.setParameter(),
                NativeApi.PARAMETER_RATE, wordsPerMinute, 0));
        checkStatus("espeak_SetParameter(rate " + wordsPerMinute + ")", status);
        return speak(SpeakableText.of(text), sink);
    }

    /** Translates {@code text} to IPA with the voice {@code identifier}, one entry per clause. */
    List<PhonemeClause> phonemize(String identifier, String text) {
        useVoice(identifier);
        rewind(voiceLoaded);
        byte[] utf8 = SpeakableText.of(text).speakable().getBytes(StandardCharsets.UTF_8);
        List<PhonemeClause> clauses = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment textSegment = arena.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, textSegment, JAVA_BYTE, 0, utf8.length);
            MemorySegment cursor = arena.allocate(ADDRESS);
            cursor.set(ADDRESS, 0, textSegment);
            int start = 0;
            for (int guard = 0; guard <= utf8.length + 1 && cursor.get(ADDRESS, 0).address() != 0; guard++) {
                MemorySegment phonemes = call(() -> (MemorySegment) NativeApi.TEXT_TO_PHONEMES.invokeExact(
                        fn.textToPhonemes(), cursor, NativeApi.CHARS_UTF8, NativeApi.PHONEMES_IPA));
                long next = cursor.get(ADDRESS, 0).address();
                int end = next == 0 ? utf8.length : clauseEnd(utf8, start, (int) (next - textSegment.address()));
                String ipa = phonemes.address() == 0 ? "" : phonemes.reinterpret(Integer.MAX_VALUE).getString(0);
                String punctuation = ClauseTerminator.of(new String(utf8, start, end - start,
                        StandardCharsets.UTF_8));
                if (!ipa.isBlank() || !punctuation.isEmpty()) {
                    clauses.add(new PhonemeClause(ipa.strip(), punctuation));
                }
                start = end;
            }
        }
        return List.copyOf(clauses);
    }

    /**
     * Unloads the library; the caller guarantees no operation is running.
     *
     * <p>{@code espeak_ng_Terminate} stops the library's own threads and waits for them. Rarely, one of them misses
     * the stop signal and the wait never ends (a test server's stop hung there once). So the call gets
     * {@value #TERMINATE_SECONDS} s: past that, this copy stays loaded (its thread still runs in its code, so it
     * cannot be unmapped) until the process exits, and a warning says so; closing never hangs.
     */
    @Override
    public void close() {
        boolean stopped;
        try {
            stopped = NativeApi.callWithin(Duration.ofSeconds(TERMINATE_SECONDS), "chorus-espeak-stop", () -> {
                int ignored = (int) NativeApi.TERMINATE.invokeExact(fn.terminate());
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        } catch (RuntimeException e) { // It returned, with an error: nothing of it runs any more.
            unmap();
            throw e;
        }
        if (stopped) {
            unmap();
        } else {
            LOG.log(System.Logger.Level.WARNING, "eSpeak NG did not stop within {0} s; its library copy stays "
                    + "loaded until the process exits", TERMINATE_SECONDS);
        }
    }

    private void unmap() {
        // The library goes first: its GOT points at stubs in the other arena.
        libraryArena.close();
        stubArena.close();
    }

    /**
     * Returns where a clause ends given eSpeak's cursor, which it leaves one character past the clause (it reads
     * one character ahead to see that the clause ended).
     */
    private static int clauseEnd(byte[] utf8, int start, int cursor) {
        int end = Math.min(cursor, utf8.length) - 1;
        while (end > start && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return Math.max(end, start);
    }

    private boolean speak(SpeakableText spoken, AudioSink sink) {
        int status;
        boolean stopped;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment utf8 = arena.allocateFrom(spoken.speakable());
            callback.begin(sink, spoken);
            try {
                status = call(() -> (int) NativeApi.SYNTH.invokeExact(fn.synth(), utf8, utf8.byteSize(), 0,
                        NativeApi.POS_CHARACTER, 0, NativeApi.CHARS_UTF8 | NativeApi.ENDPAUSE, MemorySegment.NULL,
                        MemorySegment.NULL));
            } finally {
                stopped = callback.end();
            }
        }
        if (callback.failure() != null) {
            throw rethrow(callback.failure());
        }
        if (stopped) {
            return false;
        }
        checkStatus("espeak_Synth", status);
        return true;
    }

    private void useVoice(String identifier) {
        if (identifier.equals(currentVoice)) {
            return;
        }
        currentVoice = null;
        rewind(initial);
        int status;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(identifier);
            status = call(() -> (int) NativeApi.SET_VOICE_BY_NAME.invokeExact(fn.setVoiceByName(), name));
        }
        checkStatus("espeak_SetVoiceByName(" + identifier + ")", status);
        // The first synthesis with a voice allocates lasting buffers; doing it here keeps them out of requests.
        speak(SpeakableText.of(WARM_UP_TEXT), null);
        voiceLoaded = state == null ? null : state.capture();
        currentVoice = identifier;
    }

    private void rewind(StaticState.Checkpoint checkpoint) {
        if (state != null && checkpoint != null) {
            state.rewind(checkpoint);
        }
    }

    private StaticState rewindableState(ElfImage elf, SymbolLookup lookup) {
        if (elf == null) {
            return null;
        }
        OptionalLong infoValue = elf.symbolValue("espeak_Info");
        if (infoValue.isEmpty()) {
            return null;
        }
        long base = fn.info().address() - infoValue.getAsLong();
        return AllocationTracker.install(elf, base, lookup, stubArena)
                .flatMap(tracker -> StaticState.locate(elf, base, tracker)).orElse(null);
    }

    private int initialize(String data) {
        int rate;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = data == null ? MemorySegment.NULL : arena.allocateFrom(data);
            rate = call(() -> (int) NativeApi.INITIALIZE.invokeExact(fn.initialize(),
                    NativeApi.AUDIO_OUTPUT_SYNCHRONOUS, 0, path, NativeApi.INITIALIZE_DONT_EXIT));
        }
        if (rate <= 0) {
            throw new EngineUnavailableException("eSpeak NG could not load its data from "
                    + (data == null ? "its default directory" : data) + " (espeak_Initialize returned " + rate
                    + "); install the Debian package espeak-ng-data or set espeak.data");
        }
        return rate;
    }

    private List<VoiceCatalog.RawVoice> listVoices() {
        MemorySegment list = call(() -> (MemorySegment) NativeApi.LIST_VOICES.invokeExact(fn.listVoices(),
                MemorySegment.NULL));
        return VoiceCatalog.RawVoice.readAll(list);
    }

    private String[] info() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathOut = arena.allocate(ADDRESS);
            MemorySegment v = call(() -> (MemorySegment) NativeApi.INFO.invokeExact(fn.info(), pathOut));
            MemorySegment p = pathOut.get(ADDRESS, 0);
            return new String[] {v.address() == 0 ? "unknown" : v.reinterpret(256).getString(0),
                    p.address() == 0 ? "unknown" : p.reinterpret(4096).getString(0)};
        }
    }

    private static void checkStatus(String what, int status) {
        if (status != NativeApi.EE_OK) {
            throw new SynthesisException("eSpeak NG: " + what + " failed with status " + status);
        }
    }
}

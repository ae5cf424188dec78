package dev.chorus.service;

import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.RequestParser;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.cache.AudioCache;
import dev.chorus.ssml.SsmlLimits;
import dev.chorus.ssml.SsmlParser;
import dev.chorus.testing.Pcm;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline without any server: prepare once, the stages in order, the encoder path. */
class SpeechServiceTest {

    private final ToneEngine engine = new ToneEngine();
    private final AtomicInteger ssmlParses = new AtomicInteger();
    private Synthesizer synthesizer;
    private VoiceRouter router;

    @BeforeEach
    void open() {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine)).defaultVoice("tone:a").build();
        synthesizer = Synthesizer.builder().registry(registry).build();
        router = new VoiceRouter(registry, Map.of("alloy", List.of("tone:b")));
    }

    @AfterEach
    void close() {
        synthesizer.close();
    }

    private SpeechService.Builder service() {
        SsmlParser ssml = new SsmlParser(SsmlLimits.defaults());
        RequestParser counting = new RequestParser(4096, doc -> {
            ssmlParses.incrementAndGet();
            return ssml.parse(doc);
        });
        return SpeechService.builder(Synthesis.local(synthesizer), router).parser(counting);
    }

    @Test
    void ssmlIsParsedOnceForRoutingScreeningAndPlanning() throws Exception {
        SpeechService s = service().build();
        // No voice named: the document's language routes it (de → tone:b), and the planner reads the same document.
        PreparedSpeech p = s.prepare(SpeechInput.of(
                "<speak xml:lang=\"de-DE\">Eins zwei. <break time=\"200ms\"/>Drei.</speak>", null)
                .withEncoding(AudioEncoding.PCM));
        assertThat(p.voice().id()).isEqualTo("tone:b");
        assertThat(p.routingLanguage()).isEqualTo("de-DE");
        Recording out = new Recording();
        s.serve(p, Caller.ANONYMOUS, out);
        SynthesisSummary summary = out.done.get(20, TimeUnit.SECONDS);
        assertThat(summary.voice()).isEqualTo("tone:b");
        // Three words of 100 ms and a 200 ms pause.
        assertThat(summary.audioSeconds()).isBetween(0.45, 0.55);
        assertThat(ssmlParses).hasValue(1);
    }

    @Test
    void ssmlWithMarksAndNoLanguageSpeaksOnTheDefaultVoice() throws Exception {
        SpeechService s = service().build();
        Recording out = new Recording();
        s.serve(s.prepare(SpeechInput.of("<speak>A <mark name=\"here\"/>quiet day.</speak>", null)
                .withEncoding(AudioEncoding.PCM)), Caller.ANONYMOUS, out);
        assertThat(out.done.get(20, TimeUnit.SECONDS).voice()).isEqualTo("tone:a");
    }

    @Test
    void badInputIsRefusedInPrepareNamingTheField() {
        SpeechService s = service().build();
        assertThatThrownBy(() -> s.prepare(new SpeechInput("a".repeat(5000), "text", null, null, null, null, 0, null,
                null, false))).isInstanceOf(InvalidInputException.class)
                .hasMessage("text: 5000 characters (expected: at most 4096)");
        assertThatThrownBy(() -> s.prepare(SpeechInput.of("one \u0007 two", null)))
                .hasMessageContaining("control character U+0007 at index 4");
        assertThatThrownBy(() -> s.prepare(SpeechInput.of("<speak>unclosed", null)))
                .isInstanceOf(InvalidInputException.class);
        assertThat(ssmlParses).hasValue(1);
    }

    @Test
    void aLanguageTheVoiceCannotSpeakIsRefusedInPrepareBeforeAnythingRuns() {
        SpeechService s = service().build();
        // The request's language with a named voice.
        assertThatThrownBy(() -> s.prepare(spoken("Hello.", "tone:a", "fr-FR")))
                .isInstanceOf(InvalidInputException.class).hasMessage("language: fr-FR (expected: en-US for voice tone:a)");
        // A language no voice speaks routes to the default voice, which refuses it too.
        assertThatThrownBy(() -> s.prepare(spoken("Hello.", null, "xx-bogus")))
                .hasMessage("language: xx-bogus (expected: en-US for voice tone:a)");
        // The document's language, with a named voice.
        assertThatThrownBy(() -> s.prepare(SpeechInput.of("<speak xml:lang=\"fr\">Bonjour.</speak>", "tone:a")))
                .hasMessage("language: fr (expected: en-US for voice tone:a)");
        // An element's language, spoken with the voice around it.
        assertThatThrownBy(() -> s.prepare(SpeechInput.of(
                "<speak>Hello <lang xml:lang=\"fr-FR\">bonjour</lang>.</speak>", "tone:a")))
                .hasMessage("language: fr-FR (expected: en-US for voice tone:a)");
        assertThat(engine.sentences).hasValue(0);
        // Another region of the voice's language, a language that routes to a voice speaking it, and an element
        // whose voice element switches to a voice of its language pass.
        assertThat(s.prepare(spoken("Hello.", "tone:a", "en-GB")).voice().id())
                .isEqualTo("tone:a");
        assertThat(s.prepare(spoken("Hallo.", null, "de")).voice().id()).isEqualTo("tone:b");
        // A blank language is none: the voice's own.
        assertThat(s.prepare(spoken("Hello.", "tone:a", " ")).request().options().language()).isNull();
        assertThat(s.prepare(SpeechInput.of(
                "<speak>Hello <voice languages=\"de\"><lang xml:lang=\"de\">hallo</lang></voice>.</speak>",
                "tone:a")).voice().id()).isEqualTo("tone:a");
    }

    private static SpeechInput spoken(String text, String voice, String language) {
        return new SpeechInput(text, "input", null, voice, new SynthesisOptions(1.0, language), null, 0, null, null,
                false);
    }

    @Test
    void aliasesResolveOnceInPrepare() {
        PreparedSpeech p = service().build().prepare(SpeechInput.of("Hello.", "alloy"));
        assertThat(p.voice().id()).isEqualTo("tone:b");
        assertThat(p.askedVoice()).isEqualTo("alloy");
        assertThat(p.request().voice()).isEqualTo("tone:b");
    }

    @Test
    void stagesRunInOrderAndAnAdmissionRefusalStopsBeforeAnyAudio() {
        List<String> seen = new ArrayList<>();
        Admission refuse = new Admission() {
            @Override
            public void checkVoice(Caller caller, String asked, VoiceInfo voice) {
                seen.add("voice " + asked + " -> " + voice.id());
            }

            @Override
            public void charge(Caller caller, long characters) {
                seen.add("charge " + characters);
                throw new ApiException(429, "rate_limit_exceeded", null, "slow down", 2, Map.of());
            }
        };
        SpeechService s = service().admission(refuse).build();
        Recording out = new Recording();
        assertThatThrownBy(() -> s.serve(s.prepare(SpeechInput.of("Hello there.", "alloy")), Caller.ANONYMOUS, out))
                .isInstanceOf(ApiException.class).hasMessage("slow down");
        assertThat(seen).containsExactly("voice alloy -> tone:b", "charge 12");
        assertThat(out.bytes).isEmpty();
        assertThat(engine.sentences).hasValue(0);
    }

    @Test
    void everyVoiceTheSsmlSwitchesToIsCheckedBeforeAnySpeaks() {
        List<String> checked = new ArrayList<>();
        Admission onlyA = new Admission() {
            @Override
            public void checkVoice(Caller caller, String asked, VoiceInfo voice) {
                checked.add(asked + " -> " + voice.id());
                if (!voice.id().equals("tone:a")) {
                    throw new ApiException(403, "voice_not_allowed", "voice", "voice: '" + asked + "' not allowed");
                }
            }

            @Override
            public void charge(Caller caller, long characters) {
            }
        };
        SpeechService s = service().admission(onlyA).build();
        for (String ssml : List.of("<speak>Hi <voice name=\"tone:b\">there</voice></speak>",
                "<speak>Hi <voice languages=\"de-DE\">da</voice></speak>")) {
            Recording out = new Recording();
            assertThatThrownBy(() -> s.serve(s.prepare(SpeechInput.of(ssml, "tone:a")), Caller.ANONYMOUS, out))
                    .isInstanceOf(ApiException.class).hasMessageContaining("not allowed");
            assertThat(out.bytes).isEmpty();
        }
        assertThat(checked).contains("tone:b -> tone:b", "de-DE -> tone:b");
        assertThat(engine.sentences).hasValue(0);
    }

    @Test
    void aStageCanBeAddedWithoutTouchingAFrontEnd() throws Exception {
        List<String> order = new ArrayList<>();
        SpeechStage first = (call, output, next) -> {
            order.add("first " + call.speech().voice().id());
            return next.serve(call, output);
        };
        SpeechStage second = (call, output, next) -> {
            order.add("second");
            return next.serve(call, output);
        };
        SpeechService s = service().stages(List.of(first, second)).build();
        Recording out = new Recording();
        s.serve(s.prepare(SpeechInput.of("One.", null)), Caller.ANONYMOUS, out);
        out.done.get(20, TimeUnit.SECONDS);
        assertThat(order).containsExactly("first tone:a", "second");
    }

    @Test
    void identicalRequestsAreServedFromTheCacheAndSaySo() throws Exception {
        AudioCache cache = AudioCache.create(new AudioCache.Settings(true, 1 << 20, 1 << 20, null, 0));
        SpeechService s = service().cache(cache).build();
        Map<String, String> metadata = new ConcurrentHashMap<>();
        Caller caller = new Caller() {
            @Override
            public void metadata(String name, String value) {
                metadata.put(name, value);
            }
        };
        SpeechInput in = SpeechInput.of("Cache me twice.", null).withEncoding(AudioEncoding.MP3);
        Recording first = new Recording();
        s.serve(s.prepare(in), caller, first);
        first.done.get(20, TimeUnit.SECONDS);
        assertThat(metadata).containsEntry(AudioCache.HEADER, "miss");
        int spoken = engine.sentences.get();

        Recording second = new Recording();
        s.serve(s.prepare(in), caller, second);
        second.done.get(20, TimeUnit.SECONDS);
        assertThat(metadata).containsEntry(AudioCache.HEADER, "hit");
        assertThat(engine.sentences).hasValue(spoken);
        assertThat(second.bytes()).isEqualTo(first.bytes()).isNotEmpty();

        // An output that sends the bytes as they are gets the hit as one shared, read-only body.
        CompletableFuture<byte[]> whole = new CompletableFuture<>();
        s.serve(s.prepare(in), caller, new Recording() {
            @Override
            public boolean takesWholeBody() {
                return true;
            }

            @Override
            public void whole(java.nio.ByteBuffer audio, SynthesisSummary summary) {
                assertThat(audio.isReadOnly()).isTrue();
                byte[] b = new byte[audio.remaining()];
                audio.get(b);
                whole.complete(b);
            }
        });
        assertThat(whole.get(20, TimeUnit.SECONDS)).isEqualTo(first.bytes());
        assertThat(engine.sentences).hasValue(spoken);
    }

    @Test
    void aMemoryHitIsServedAtOnceThroughTheStagesBeforeTheCacheAndEverythingElseIsLeftToServe() throws Exception {
        AudioCache cache = AudioCache.create(new AudioCache.Settings(true, 1 << 20, 1 << 20, null, 0));
        List<String> admitted = new ArrayList<>();
        Admission inMemory = new Admission() {
            @Override
            public void checkVoice(Caller caller, String asked, VoiceInfo voice) {
                admitted.add("voice " + voice.id());
            }

            @Override
            public void charge(Caller caller, long characters) {
                admitted.add("charge " + characters);
            }

            @Override
            public boolean mayBlock() {
                return false;
            }
        };
        SpeechService s = service().cache(cache).admission(inMemory).build();
        Map<String, String> metadata = new ConcurrentHashMap<>();
        Caller caller = new Caller() {
            @Override
            public void metadata(String name, String value) {
                metadata.put(name, value);
            }
        };
        SpeechInput in = SpeechInput.of("Answer me at once.", null).withEncoding(AudioEncoding.MP3);
        // Not cached yet: nothing happens, and the request is left to serve.
        Recording nothing = new Recording();
        assertThat(s.serveFromMemory(s.prepare(in), caller, nothing)).isNull();
        assertThat(admitted).isEmpty();
        assertThat(metadata).isEmpty();

        Recording first = new Recording();
        s.serve(s.prepare(in), caller, first);
        first.done.get(20, TimeUnit.SECONDS);
        int spoken = engine.sentences.get();
        admitted.clear();

        // Cached: admitted and charged as any request, told "hit", and every byte is there when it returns.
        Recording hit = new Recording();
        assertThat(s.serveFromMemory(s.prepare(in), caller, hit)).isNotNull();
        assertThat(hit.done).isCompleted();
        assertThat(hit.bytes()).isEqualTo(first.bytes()).isNotEmpty();
        assertThat(metadata).containsEntry(AudioCache.HEADER, "hit");
        assertThat(admitted).containsExactly("voice tone:a", "charge 18");
        assertThat(engine.sentences).hasValue(spoken);

        // A client that asks for a fresh synthesis, an admission that may block, or content rules: left to serve.
        SpeechInput fresh = new SpeechInput(in.text(), in.field(), null, null, null, in.encoding(), 0, null, null,
                true);
        assertThat(s.serveFromMemory(s.prepare(fresh), caller, new Recording())).isNull();
        Admission mayBlock = new Admission() {
            @Override
            public void checkVoice(Caller caller, String asked, VoiceInfo voice) {
            }

            @Override
            public void charge(Caller caller, long characters) {
            }
        };
        SpeechService blocking = service().cache(cache).admission(mayBlock).build();
        assertThat(blocking.serveFromMemory(blocking.prepare(in), caller, new Recording())).isNull();
        SpeechService open = service().cache(cache).admission(Admission.OPEN).build();
        assertThat(open.serveFromMemory(open.prepare(in), caller, new Recording())).isNotNull();
        SpeechService replaced = service().cache(cache).admission(Admission.OPEN)
                .stages(List.of(new dev.chorus.service.stage.CacheStage(cache))).build();
        assertThat(replaced.serveFromMemory(replaced.prepare(in), caller, new Recording())).isNull();
    }

    @Test
    void completeWavCarriesItsRealLengths() throws Exception {
        SpeechService s = service().build();
        CompletableFuture<byte[]> whole = new CompletableFuture<>();
        s.serve(s.prepare(SpeechInput.of("One two three four.", null).withEncoding(AudioEncoding.WAV)),
                Caller.ANONYMOUS, new CompleteAudio(AudioEncoding.WAV) {
                    @Override
                    protected void whole(byte[] audio, SynthesisSummary summary) {
                        whole.complete(audio);
                    }

                    @Override
                    public void error(ChorusException error) {
                        whole.completeExceptionally(error);
                    }
                });
        byte[] bytes = whole.get(20, TimeUnit.SECONDS);
        Wav wav = WavFiles.read(bytes);
        assertThat(wav.sampleRate()).isEqualTo(ToneEngine.RATE);
        assertThat(Pcm.seconds(wav.samples(), ToneEngine.RATE)).isBetween(0.39, 0.41);
        // The RIFF and data sizes are the real ones, not the streaming form's 0xFFFFFFFF.
        assertThat(bytes[4] & 0xff | (bytes[5] & 0xff) << 8 | (bytes[6] & 0xff) << 16 | (bytes[7] & 0xff) << 24)
                .isEqualTo(bytes.length - 8);
        assertThat(Pcm.zeroCrossingFrequency(wav.samples(), ToneEngine.RATE)).isBetween(420.0, 460.0);
    }

    /** Records what reaches an output. */
    static class Recording implements AudioOutput {
        final List<byte[]> bytes = new ArrayList<>();
        final CompletableFuture<SynthesisSummary> done = new CompletableFuture<>();

        @Override
        public synchronized void audio(byte[] b, long firstSample) {
            bytes.add(b);
        }

        @Override
        public synchronized void complete(byte[] tail, SynthesisSummary summary) {
            bytes.add(tail);
            done.complete(summary);
        }

        @Override
        public void error(ChorusException error) {
            done.completeExceptionally(error);
        }

        synchronized byte[] bytes() {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            bytes.forEach(all::writeBytes);
            return all.toByteArray();
        }
    }
}

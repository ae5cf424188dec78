package dev.chorus.runtime;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.Phonemizer;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Engines get other engines' phonemizers through their context, whatever order the providers come in. */
class EnginePhonemizersTest {

    private static final Phonemizer LETTERS = (text, language) -> List.of(
            new Phonemizer.PhonemeClause(text.toLowerCase(java.util.Locale.ROOT), "."));

    /** An engine that asks for the phonemizers it names while it opens, and may offer one itself. */
    private static final class Probe implements TtsEngineProvider {
        final String id;
        final List<String> wants;
        final Phonemizer offers;
        final boolean unavailable;
        final AtomicInteger opened = new AtomicInteger();
        final Map<String, Optional<Phonemizer>> got = new ConcurrentHashMap<>();

        Probe(String id, List<String> wants, Phonemizer offers, boolean unavailable) {
            this.id = id;
            this.wants = wants;
            this.offers = offers;
            this.unavailable = unavailable;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public TtsEngine open(EngineContext context) {
            opened.incrementAndGet();
            wants.forEach(w -> got.put(w, context.phonemizer(w)));
            if (unavailable) {
                throw new EngineUnavailableException(id + ": not on this machine");
            }
            return new TtsEngine() {
                @Override
                public String id() {
                    return id;
                }

                @Override
                public String description() {
                    return "probe";
                }

                @Override
                public List<VoiceInfo> voices() {
                    return List.of();
                }

                @Override
                public Voice load(String voiceId) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Optional<Phonemizer> phonemizer() {
                    return Optional.ofNullable(offers);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void anEngineListedBeforeItsPhonemizerStillGetsIt() {
        Probe neural = new Probe("neural", List.of("letters", "nothing"), null, false);
        Probe letters = new Probe("letters", List.of(), LETTERS, false);
        try (EngineRegistry registry = EngineRegistry.builder().providers(List.of(neural, letters)).build()) {
            assertThat(neural.got.get("letters")).containsSame(LETTERS);
            assertThat(neural.got.get("nothing")).isEmpty();
            assertThat(letters.opened.get()).isEqualTo(1);
            // The engine order stays the providers' order.
            assertThat(registry.engines().keySet()).containsExactly("neural", "letters");
            assertThat(registry.phonemizer()).containsSame(LETTERS);
        }
    }

    @Test
    void aPhonemizerWhoseEngineCannotOpenIsAbsentAndTheReasonIsKept() {
        Probe neural = new Probe("neural", List.of("letters"), null, false);
        Probe letters = new Probe("letters", List.of(), LETTERS, true);
        try (EngineRegistry registry = EngineRegistry.builder().providers(List.of(neural, letters)).build()) {
            assertThat(neural.got.get("letters")).isEmpty();
            assertThat(letters.opened.get()).isEqualTo(1);
            assertThat(registry.unavailable()).containsEntry("letters", "letters: not on this machine");
            assertThat(registry.engines()).containsOnlyKeys("neural");
        }
    }

    @Test
    void aDisabledEngineOpensOnlyForItsPhonemizerAndEnginesThatNeedEachOtherDoNotLoop() {
        Probe a = new Probe("a", List.of("b"), LETTERS, false);
        Probe b = new Probe("b", List.of("a"), LETTERS, false);
        Probe helper = new Probe("helper", List.of(), LETTERS, false);
        Probe unused = new Probe("unused", List.of(), LETTERS, false);
        Probe c = new Probe("c", List.of("helper"), null, false);
        try (EngineRegistry registry = EngineRegistry.builder().providers(List.of(a, b, helper, unused, c))
                .enabledEngines(java.util.Set.of("a", "b", "c")).build()) {
            assertThat(a.got.get("b")).containsSame(LETTERS);
            assertThat(b.got.get("a")).as("a is still opening when b asks").isEmpty();
            // As `chorus say -v piper:x` enables only piper: the phonemizer's engine opens, its voices stay off.
            assertThat(c.got.get("helper")).containsSame(LETTERS);
            assertThat(helper.opened.get()).isEqualTo(1);
            assertThat(unused.opened.get()).isZero();
            assertThat(registry.engines().keySet()).containsExactly("a", "b", "c");
        }
    }
}

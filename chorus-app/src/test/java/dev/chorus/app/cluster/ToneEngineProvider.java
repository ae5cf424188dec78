package dev.chorus.app.cluster;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.Arrays;
import java.util.List;

/**
 * A test engine for cluster tests, loaded by the worker processes they start: engine {@code tone}, voices named by
 * the setting {@code engines.tone.voices} (comma-separated, default {@code a}). Each word takes
 * {@code engines.tone.word-millis} ms (default 20) and gives 100 ms of a sine whose pitch depends on the voice and
 * the word only, so two processes make the very same samples for the same text, and a stream is long enough to
 * be cut in the middle.
 */
public final class ToneEngineProvider implements TtsEngineProvider {

    static final int RATE = 16_000;

    @Override
    public String id() {
        return "tone";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        long wordMillis = Long.parseLong(context.setting("tone.word-millis", "20"));
        List<VoiceInfo> voices = Arrays.stream(context.setting("tone.voices", "a").split(","))
                .map(String::strip).filter(n -> !n.isEmpty())
                .map(n -> new VoiceInfo("tone:" + n, "Tone " + n, "en-US", null, RATE, "tone", "1", true)).toList();
        return new TtsEngine() {
            @Override
            public String id() {
                return "tone";
            }

            @Override
            public String description() {
                return "test tones";
            }

            @Override
            public List<VoiceInfo> voices() {
                return voices;
            }

            @Override
            public Voice load(String voiceId) {
                VoiceInfo info = voices.stream().filter(v -> v.id().equals(voiceId)).findFirst()
                        .orElseThrow(() -> new VoiceNotFoundException(voiceId, List.of()));
                return new ToneVoice(info, wordMillis);
            }

            @Override
            public void close() {
            }
        };
    }

    private record ToneVoice(VoiceInfo info, long wordMillis) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            int from = 0;
            long offset = 0;
            for (String w : text.strip().split("\\s+")) {
                try {
                    Thread.sleep(wordMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                int at = Math.max(0, text.indexOf(w, from));
                from = at + w.length();
                short[] block = tone(info.id().hashCode() * 31 + w.hashCode());
                if (sink.onEvent(new SynthesisEvent.Word(at, w.length(), offset)) == AudioSink.Action.STOP
                        || sink.onAudio(block, 0, block.length) == AudioSink.Action.STOP) {
                    return false;
                }
                offset += block.length;
            }
            return true;
        }

        private static short[] tone(int seed) {
            double hz = 200 + Math.floorMod(seed, 600);
            short[] s = new short[RATE / 10];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / RATE));
            }
            return s;
        }

        @Override
        public void close() {
        }
    }
}

package dev.chorus.cluster.gateway;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Engine {@code vers} with voice {@code vers:tone}, whose version can change while it runs (as when a new version
 * is dropped on a worker's voices volume): each word is 50 ms of a tone at {@code 1000 × version} amplitude, so
 * the audio tells which version made it.
 */
final class VersionedTone implements TtsEngineProvider {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile int version;

    VersionedTone(int version) {
        this.version = version;
    }

    static VoiceInfo info(int version) {
        return new VoiceInfo("vers:tone", "Tone", "en-US", null, 16_000, "vers", Integer.toString(version), true);
    }

    /** Moves the voice to {@code v} and tells the registry, as a voice directory scan would. */
    void upgrade(int v) {
        version = v;
        listeners.forEach(Runnable::run);
    }

    /** Returns the amplitude of the first sample of a word's tone made by {@code version}, for assertions. */
    static short[] word(int version) {
        short[] s = new short[800];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (1000 * version * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
        }
        return s;
    }

    @Override
    public String id() {
        return "vers";
    }

    @Override
    public TtsEngine open(EngineContext context) {
        return new TtsEngine() {
            @Override
            public String id() {
                return "vers";
            }

            @Override
            public String description() {
                return "versioned test tone";
            }

            @Override
            public List<VoiceInfo> voices() {
                return List.of(info(version));
            }

            @Override
            public Voice load(String voiceId) {
                int v = version;
                return new Voice() {
                    @Override
                    public VoiceInfo info() {
                        return VersionedTone.info(v);
                    }

                    @Override
                    public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
                        ChunkText.validate(text);
                        long offset = 0;
                        for (String w : text.strip().split("\\s+")) {
                            short[] s = word(v);
                            if (sink.onEvent(new SynthesisEvent.Word(0, w.length(), offset)) == AudioSink.Action.STOP
                                    || sink.onAudio(s, 0, s.length) == AudioSink.Action.STOP) {
                                return false;
                            }
                            offset += s.length;
                        }
                        return true;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void addVoicesListener(Runnable listener) {
                listeners.add(listener);
            }

            @Override
            public void close() {
            }
        };
    }
}

package dev.chorus.cluster.internal;

import com.google.protobuf.ByteString;
import dev.chorus.proto.cluster.v1.Pronunciation;
import dev.chorus.proto.cluster.v1.TimingEvent;
import dev.chorus.proto.cluster.v1.VoiceDescription;
import dev.chorus.proto.cluster.v1.WorkRequest;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.Gender;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Locale;

/** Turns the runtime's records into the worker API's messages and back; both ends use it, so they agree. */
public final class WireFormat {

    private WireFormat() {
    }

    /** Returns the wire form of a request whose voice is resolved to {@code voice}. */
    public static WorkRequest.Builder request(SynthesisRequest r, VoiceInfo voice, boolean pinVersion) {
        SynthesisOptions o = r.options();
        TextOptions t = r.textOptions();
        WorkRequest.Builder b = WorkRequest.newBuilder()
                .setText(r.text())
                .setVoice(voice.id())
                .setVoiceVersion(pinVersion ? voice.version() : "")
                .setSpeed(o.speed())
                .setLanguage(o.language() == null ? "" : o.language())
                .setPitch(o.pitch())
                .setVolume(o.volume())
                .setEncoding(r.encoding().id())
                .setSampleRate(r.sampleRate())
                .setTimeoutMillis(r.timeout() == null ? 0 : r.timeout().toMillis())
                .setTextFormat(t.format().name())
                .setNormalize(t.normalize())
                .setPriority(r.priority());
        t.lexicon().forEach(p -> b.addLexicon(Pronunciation.newBuilder().setMatch(p.match()).setRegex(p.regex())
                .setAlias(p.alias() == null ? "" : p.alias()).setPhoneme(p.phoneme() == null ? "" : p.phoneme())));
        return b;
    }

    /** Rebuilds the request a gateway sent; the worker's parser checks it again. */
    public static SynthesisRequest request(WorkRequest w) {
        // The wire's empty language is no language: SynthesisOptions reads a blank tag as none.
        SynthesisOptions o = new SynthesisOptions(w.getSpeed(), w.getLanguage(), w.getPitch(), w.getVolume());
        TextOptions t = new TextOptions(TextOptions.Format.valueOf(w.getTextFormat()), w.getNormalize(),
                w.getLexiconList().stream().map(p -> new dev.chorus.tts.Pronunciation(p.getMatch(), p.getRegex(),
                        p.getAlias().isEmpty() ? null : p.getAlias(),
                        p.getPhoneme().isEmpty() ? null : p.getPhoneme())).toList());
        return new SynthesisRequest(w.getText(), w.getVoice(), o, AudioEncoding.parse(w.getEncoding()),
                w.getSampleRate(), w.getTimeoutMillis() > 0 ? Duration.ofMillis(w.getTimeoutMillis()) : null, t,
                w.getPriority());
    }

    public static VoiceDescription voice(VoiceInfo v) {
        return VoiceDescription.newBuilder().setId(v.id()).setDisplayName(v.displayName())
                .setLanguage(v.language()).setGender(v.gender().name()).setSampleRate(v.sampleRate())
                .setEngine(v.engine()).setVersion(v.version()).setStreaming(v.streaming()).build();
    }

    public static VoiceInfo voice(VoiceDescription d) {
        return new VoiceInfo(d.getId(), d.getDisplayName(), d.getLanguage(), Gender.valueOf(d.getGender()),
                d.getSampleRate(), d.getEngine(), d.getVersion(), d.getStreaming());
    }

    public static TimingEvent timing(Timing t) {
        return TimingEvent.newBuilder().setKind(t.kind().name()).setText(t.text()).setSourceStart(t.sourceStart())
                .setSourceEnd(t.sourceEnd()).setSampleOffset(t.sampleOffset()).setTimeMillis(t.timeMillis())
                .setEstimated(t.estimated()).build();
    }

    public static Timing timing(TimingEvent e) {
        return new Timing(Timing.Kind.valueOf(e.getKind().toUpperCase(Locale.ROOT)), e.getText(), e.getSourceStart(),
                e.getSourceEnd(), e.getSampleOffset(), e.getTimeMillis(), e.getEstimated());
    }

    /** Packs PCM16 samples little-endian. */
    public static ByteString pcm(short[] samples, int offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(samples, offset, length);
        return ByteString.copyFrom(b.array());
    }

    /** Unpacks little-endian PCM16 samples. */
    public static short[] pcm(ByteString bytes) {
        short[] s = new short[bytes.size() / 2];
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }
}

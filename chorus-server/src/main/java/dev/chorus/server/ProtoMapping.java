package dev.chorus.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TimingEvent;
import dev.chorus.proto.tts.v1.Voice;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.Gender;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.runtime.Timing;

import java.time.Duration;
import java.util.List;

/** Converts between the gRPC messages of {@code chorus.tts.v1} and the runtime's types. */
final class ProtoMapping {

    private ProtoMapping() {
    }

    /**
     * Checks a request and turns it into a runtime request for {@code voice}.
     *
     * @throws InvalidInputException naming the field at fault
     */
    static SynthesisRequest toSynthesis(SynthesizeRequest r, VoiceInfo voice, int maxInputChars, Duration timeout) {
        if (r.getText().length() > maxInputChars) {
            throw new InvalidInputException("text", "text: " + r.getText().length() + " characters (expected: at most "
                    + maxInputChars + ")");
        }
        double speed = r.getSpeed() == 0f ? 1.0 : r.getSpeed();
        String language = r.getLanguage().isBlank() ? null : r.getLanguage().trim();
        return new SynthesisRequest(r.getText(), voice.id(), new SynthesisOptions(speed, language),
                encoding(r.getFormat()), r.getSampleRate(), timeout);
    }

    /** Returns the runtime encoding for a proto format; unspecified means WAV. */
    static AudioEncoding encoding(AudioFormat f) {
        return switch (f) {
            case AUDIO_FORMAT_UNSPECIFIED, AUDIO_FORMAT_WAV -> AudioEncoding.WAV;
            case AUDIO_FORMAT_PCM -> AudioEncoding.PCM;
            case UNRECOGNIZED -> throw new InvalidInputException("format", "format: unknown value (expected: "
                    + "AUDIO_FORMAT_WAV or AUDIO_FORMAT_PCM)");
        };
    }

    /** Returns the proto format for a runtime encoding. */
    static AudioFormat format(AudioEncoding e) {
        return switch (e) {
            case WAV -> AudioFormat.AUDIO_FORMAT_WAV;
            case PCM -> AudioFormat.AUDIO_FORMAT_PCM;
        };
    }

    /** Returns the proto form of a voice with its alias names. */
    static Voice voice(VoiceInfo v, List<String> aliases) {
        return Voice.newBuilder().setId(v.id()).setDisplayName(v.displayName()).setLanguage(v.language())
                .setGender(gender(v.gender())).setSampleRate(v.sampleRate()).setEngine(v.engine())
                .setVersion(v.version()).setStreaming(v.streaming()).addAllAliases(aliases).build();
    }

    private static dev.chorus.proto.tts.v1.Gender gender(Gender g) {
        return switch (g) {
            case FEMALE -> dev.chorus.proto.tts.v1.Gender.GENDER_FEMALE;
            case MALE -> dev.chorus.proto.tts.v1.Gender.GENDER_MALE;
            case NEUTRAL -> dev.chorus.proto.tts.v1.Gender.GENDER_NEUTRAL;
            case UNKNOWN -> dev.chorus.proto.tts.v1.Gender.GENDER_UNSPECIFIED;
        };
    }

    /** Returns the proto form of a timing, with times at {@code sampleRate}. */
    static TimingEvent timing(Timing t, int sampleRate) {
        TimingEvent.Builder b = TimingEvent.newBuilder().setSampleOffset(t.sampleOffset())
                .setTimeSeconds(t.sampleOffset() / (double) sampleRate).setTextOffset(t.sourceStart())
                .setTextLength(t.sourceEnd() - t.sourceStart()).setText(t.text()).setEstimated(t.estimated());
        return switch (t.kind()) {
            case SENTENCE -> b.setKind(TimingEvent.Kind.KIND_SENTENCE).build();
            case WORD -> b.setKind(TimingEvent.Kind.KIND_WORD).build();
            case MARK -> b.setKind(TimingEvent.Kind.KIND_MARK).setMarkName(t.text()).build();
        };
    }

    /** Wraps bytes without copying them; the caller hands the array over and never touches it again. */
    static ByteString bytes(byte[] b) {
        return UnsafeByteOperations.unsafeWrap(b);
    }
}

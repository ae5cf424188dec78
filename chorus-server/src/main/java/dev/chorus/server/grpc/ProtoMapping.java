package dev.chorus.server.grpc;

import dev.chorus.service.SpeechInput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TimingEvent;
import dev.chorus.proto.tts.v1.Voice;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.Gender;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.Pronunciation;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Converts between the gRPC messages of {@code chorus.tts.v1} and the runtime's types. */
final class ProtoMapping {

    private ProtoMapping() {
    }

    /**
     * Checks a request's fields and turns it into the pipeline's input (its text is checked by the pipeline).
     *
     * @throws InvalidInputException naming the field at fault
     */
    static SpeechInput toInput(SynthesizeRequest r, Duration timeout) {
        boolean ssml = !r.getSsml().isEmpty();
        if (ssml && !r.getText().isEmpty()) {
            throw new InvalidInputException("ssml", "ssml: set together with text (expected: exactly one of them)");
        }
        double speed = r.getSpeed() == 0f ? 1.0 : r.getSpeed();
        String language = r.getLanguage().isBlank() ? null : r.getLanguage().trim();
        TextOptions.Format format = ssml ? TextOptions.Format.SSML
                : r.getInputFormat().isBlank() ? TextOptions.Format.AUTO : TextOptions.Format.parse(r.getInputFormat());
        List<Pronunciation> lexicon = new ArrayList<>();
        for (int i = 0; i < r.getLexiconCount(); i++) {
            dev.chorus.proto.tts.v1.Pronunciation p = r.getLexicon(i);
            if (p.getGrapheme().isEmpty() == p.getRegex().isEmpty()) {
                throw new InvalidInputException("lexicon", "lexicon[" + i + "]: expected exactly one of grapheme and "
                        + "regex");
            }
            lexicon.add(new Pronunciation(p.getGrapheme().isEmpty() ? p.getRegex() : p.getGrapheme(),
                    !p.getRegex().isEmpty(), p.getAlias().isEmpty() ? null : p.getAlias(),
                    p.getPhoneme().isEmpty() ? null : p.getPhoneme()));
        }
        return new SpeechInput(ssml ? r.getSsml() : r.getText(), ssml ? "ssml" : "text", null, r.getVoice(),
                new SynthesisOptions(speed, language, r.getPitch(), r.getVolumeDb()), encoding(r.getFormat()),
                r.getSampleRate(), new TextOptions(format, !r.getDisableNormalization(), lexicon), timeout,
                r.getNoCache());
    }

    /** Returns the runtime encoding for a proto format; unspecified means WAV. */
    static AudioEncoding encoding(AudioFormat f) {
        return switch (f) {
            case AUDIO_FORMAT_UNSPECIFIED, AUDIO_FORMAT_WAV -> AudioEncoding.WAV;
            case AUDIO_FORMAT_PCM -> AudioEncoding.PCM;
            case AUDIO_FORMAT_MP3 -> AudioEncoding.MP3;
            case AUDIO_FORMAT_OPUS -> AudioEncoding.OPUS;
            case AUDIO_FORMAT_FLAC -> AudioEncoding.FLAC;
            case AUDIO_FORMAT_AAC -> AudioEncoding.AAC;
            case AUDIO_FORMAT_MULAW -> AudioEncoding.MULAW;
            case AUDIO_FORMAT_ALAW -> AudioEncoding.ALAW;
            case AUDIO_FORMAT_WAV_MULAW -> AudioEncoding.WAV_MULAW;
            case AUDIO_FORMAT_WAV_ALAW -> AudioEncoding.WAV_ALAW;
            case UNRECOGNIZED -> throw new InvalidInputException("format", "format: unknown value (expected: one of "
                    + "the AudioFormat values)");
        };
    }

    /** Returns the proto format for a runtime encoding. */
    static AudioFormat format(AudioEncoding e) {
        return switch (e) {
            case WAV -> AudioFormat.AUDIO_FORMAT_WAV;
            case PCM -> AudioFormat.AUDIO_FORMAT_PCM;
            case MP3 -> AudioFormat.AUDIO_FORMAT_MP3;
            case OPUS -> AudioFormat.AUDIO_FORMAT_OPUS;
            case FLAC -> AudioFormat.AUDIO_FORMAT_FLAC;
            case AAC -> AudioFormat.AUDIO_FORMAT_AAC;
            case MULAW -> AudioFormat.AUDIO_FORMAT_MULAW;
            case ALAW -> AudioFormat.AUDIO_FORMAT_ALAW;
            case WAV_MULAW -> AudioFormat.AUDIO_FORMAT_WAV_MULAW;
            case WAV_ALAW -> AudioFormat.AUDIO_FORMAT_WAV_ALAW;
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

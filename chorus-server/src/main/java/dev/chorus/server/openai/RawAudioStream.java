package dev.chorus.server.openai;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;

/**
 * The {@code stream_format: audio} body: the encoded audio itself, sent in chunks as it is made (HTTP/1.1 chunked
 * transfer encoding, or HTTP/2 DATA frames). An error after the first bytes aborts the stream, so the client
 * sees a truncated transfer rather than a short but complete file.
 */
final class RawAudioStream extends HttpAudioStream {

    /** Each format's content type, parsed once. */
    private static final java.util.Map<AudioEncoding, MediaType> TYPES = types();

    private static java.util.Map<AudioEncoding, MediaType> types() {
        java.util.Map<AudioEncoding, MediaType> m = new java.util.EnumMap<>(AudioEncoding.class);
        for (AudioEncoding e : AudioEncoding.values()) {
            m.put(e, MediaType.parse(e.mediaType()));
        }
        return m;
    }

    private final MediaType type;

    RawAudioStream(ServiceRequestContext ctx, AudioEncoding encoding) {
        super(ctx);
        this.type = TYPES.get(encoding);
    }

    @Override
    MediaType contentType() {
        return type;
    }

    @Override
    boolean rawBytes() {
        return true;
    }

    @Override
    void writeAudio(byte[] bytes) {
        write(HttpData.wrap(bytes));
    }

    @Override
    void writeEnd(SynthesisSummary summary) {
    }

    @Override
    void writeError(ChorusException error) {
        abort(error);
    }
}

package dev.chorus.server.openai;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.server.internal.SlowReaderException;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.VoiceInfo;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A response whose client stops reading holds a bounded amount of memory: once more than the unread limit waits
 * in the response, the next write fails (which stops the synthesis), and a client that reads is never cut off.
 * (The kernel's socket buffers come on top of the limit; they have their own bound.)
 */
class SlowReaderTest {

    private static final VoiceInfo VOICE = new VoiceInfo("paced:tone", "Tone", "en-US", null, 16_000, "paced", "1",
            true);

    private static RawAudioStream stream() {
        ServiceRequestContext ctx = ServiceRequestContext.of(HttpRequest.of(HttpMethod.POST, "/v1/audio/speech"));
        RawAudioStream s = new RawAudioStream(ctx, AudioEncoding.PCM);
        s.maxUnreadBytes(64 * 1024);
        s.start(VOICE, 16_000);
        return s;
    }

    @Test
    void writesFailOnceTheLimitWaitsUnread() {
        RawAudioStream s = stream();
        // Nobody subscribes: nothing is ever read.
        for (int i = 0; i < 8; i++) {
            s.audio(new byte[8 * 1024], 0);
        }
        assertThatThrownBy(() -> s.audio(new byte[8 * 1024], 0)).isInstanceOf(SlowReaderException.class)
                .hasMessageContaining("not reading").hasMessageContaining("limits.max-unread-bytes");
    }

    @Test
    void aReaderThatKeepsUpIsNeverCutOff() {
        RawAudioStream s = stream();
        AtomicLong read = new AtomicLong();
        AtomicReference<Subscription> sub = new AtomicReference<>();
        s.response().subscribe(new Subscriber<HttpObject>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                sub.set(subscription);
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(HttpObject o) {
                if (o instanceof HttpData d) {
                    read.addAndGet(d.length());
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        }, com.linecorp.armeria.common.CommonPools.workerGroup().next());
        for (int i = 0; i < 200; i++) {
            s.audio(new byte[8 * 1024], 0);
            // Let the reader take each write before the next, as a client that keeps up does.
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (read.get() < (i + 1L) * 8 * 1024 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        assertThat(read.get()).isEqualTo(200L * 8 * 1024);
        sub.get().cancel();
    }
}

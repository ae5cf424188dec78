package dev.chorus.server.openai;

import dev.chorus.service.ApiException;
import dev.chorus.tts.AudioEncoding;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpeechRequestMemoTest {

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anIdenticalBodyGivesTheSameRequestWithoutBeingParsedAgain() {
        String json = "{\"input\":\"Remembered once.\",\"voice\":\"alloy\",\"response_format\":\"wav\",\"speed\":1.5}";
        SpeechRequest first = SpeechRequest.parse(body(json));
        SpeechRequest again = SpeechRequest.parse(body(json));
        assertThat(again).isSameAs(first);
        assertThat(again.input()).isEqualTo("Remembered once.");
        assertThat(again.format()).isEqualTo(AudioEncoding.WAV);
        assertThat(again.speed()).isEqualTo(1.5);
        // One byte different is another request.
        SpeechRequest other = SpeechRequest.parse(body(json.replace("1.5", "1.25")));
        assertThat(other).isNotSameAs(first);
        assertThat(other.speed()).isEqualTo(1.25);
    }

    @Test
    void aBufferReusedAfterTheParseDoesNotChangeWhatWasRemembered() {
        byte[] reused = body("{\"input\":\"First text.\",\"voice\":\"alloy\"}");
        byte[] original = reused.clone();
        assertThat(SpeechRequest.parse(reused).input()).isEqualTo("First text.");
        byte[] next = body("{\"input\":\"Other text.\",\"voice\":\"alloy\"}");
        System.arraycopy(next, 0, reused, 0, next.length);
        assertThat(SpeechRequest.parse(reused).input()).isEqualTo("Other text.");
        assertThat(SpeechRequest.parse(original).input()).isEqualTo("First text.");
    }

    @Test
    void anInvalidBodyIsRefusedEveryTime() {
        byte[] bad = body("{\"input\":\"x\",\"speed\":9}");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> SpeechRequest.parse(bad)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("speed");
        }
    }

    @Test
    void aLargeBodyIsParsedEachTimeAndNotKept() {
        char[] text = new char[SpeechRequest.MAX_REMEMBERED_BODY];
        Arrays.fill(text, 'a');
        byte[] large = body("{\"input\":\"" + new String(text) + "\"}");
        SpeechRequest first = SpeechRequest.parse(large);
        assertThat(first.input()).hasSize(SpeechRequest.MAX_REMEMBERED_BODY);
        assertThat(SpeechRequest.parse(large)).isEqualTo(first).isNotSameAs(first);
    }
}

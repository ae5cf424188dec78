package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransportTest {

    @Test
    void autoLeavesTheChoiceToTheNetworkLibrary() {
        assertThat(Transport.choose("auto", "default")).isNull();
    }

    @Test
    void namedTransportsAreTakenAsWritten() {
        assertThat(Transport.choose(" EPOLL ", "CHORUS_TRANSPORT")).isEqualTo("epoll");
        assertThat(Transport.choose("nio", "CHORUS_TRANSPORT")).isEqualTo("nio");
        if (IoUring.isAvailable()) {
            assertThat(Transport.choose("io-uring", "CHORUS_TRANSPORT")).isEqualTo("io_uring");
        } else {
            assertThatThrownBy(() -> Transport.choose("io_uring", "CHORUS_TRANSPORT"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("io_uring is not available here").hasMessageContaining("use auto or epoll");
        }
    }

    @Test
    void anUnknownTransportIsRefusedWithTheChoicesAndTheSettingsSource() {
        assertThatThrownBy(() -> Transport.choose("kqueue2", "/etc/chorus.yaml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("server.transport: 'kqueue2' (expected: auto, io_uring, epoll or nio; from "
                        + "/etc/chorus.yaml)");
    }
}

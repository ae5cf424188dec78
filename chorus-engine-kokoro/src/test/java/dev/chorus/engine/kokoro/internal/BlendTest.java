package dev.chorus.engine.kokoro.internal;

import dev.chorus.tts.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BlendTest {

    @Test
    void weightsAreNormalisedInOrder() {
        Blend b = Blend.parse("af_bella(2)+af_sky(1)");
        assertThat(b.speakers()).containsExactly("af_bella", "af_sky");
        assertThat(b.parts().get("af_bella")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(Blend.parse("af_sky").single()).isTrue();
        assertThat(Blend.parse("a(0.5) + b(1.5) + a").parts().get("a")).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void badPartsNameThemselves() {
        for (String bad : List.of("a(0)", "a(1e9)", "a(NaN)", "a()", "a(1)(2)", "+a", "a+" , "a(1")) {
            assertThatThrownBy(() -> Blend.parse(bad)).as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("voice: ");
        }
        assertThatThrownBy(() -> Blend.parse("a+".repeat(20) + "a")).hasMessageContaining("<= 16");
    }
}

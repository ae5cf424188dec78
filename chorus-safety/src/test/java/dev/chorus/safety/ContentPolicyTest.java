package dev.chorus.safety;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tenant's policy laid over the server's: named categories replace, a default replaces the whole policy. */
class ContentPolicyTest {

    private static final ContentPolicy SERVER = ContentPolicy.parse(Map.of("default", "block", "profanity", "mask",
            "pii", "log"));

    @Test
    void namedCategoriesReplaceAndTheRestKeepTheServersActions() {
        ContentPolicy p = SERVER.with(Map.of("profanity", "block"));
        assertThat(p.actionFor("profanity")).isEqualTo(Action.BLOCK);
        assertThat(p.actionFor("pii")).isEqualTo(Action.LOG);
        assertThat(p.actionFor("violence")).isEqualTo(Action.BLOCK);
    }

    @Test
    void aDefaultReplacesTheWholePolicy() {
        ContentPolicy p = SERVER.with(Map.of("default", "log", "violence", "mask"));
        assertThat(p.actionFor("violence")).isEqualTo(Action.MASK);
        assertThat(p.actionFor("profanity")).isEqualTo(Action.LOG);
        assertThat(p.actionFor("anything")).isEqualTo(Action.LOG);
    }

    @Test
    void noOverridesKeepThePolicyAndBadActionsAreNamed() {
        assertThat(SERVER.with(Map.of())).isSameAs(SERVER);
        assertThatThrownBy(() -> SERVER.with(Map.of("pii", "shout"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pii").hasMessageContaining("shout");
    }
}

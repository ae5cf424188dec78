package dev.chorus.ssml;

import java.util.Objects;

/**
 * How to read a {@code <say-as>} element's text, as the document wrote it; the runtime decides what it can honor.
 *
 * @param interpretAs the {@code interpret-as} attribute, such as {@code characters}, {@code cardinal} or
 *                    {@code date}; never blank
 * @param format      the {@code format} attribute, such as {@code mdy} for a date, or {@code null}
 * @param detail      the {@code detail} attribute, or {@code null}
 */
public record SayAs(String interpretAs, String format, String detail) {

    /** Checks that {@code interpretAs} is present. */
    public SayAs {
        Objects.requireNonNull(interpretAs, "interpretAs");
        if (interpretAs.isBlank()) {
            throw new IllegalArgumentException("interpretAs: \"" + interpretAs + "\" (expected: not blank)");
        }
    }
}

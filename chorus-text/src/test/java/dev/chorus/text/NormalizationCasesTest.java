package dev.chorus.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The spoken-form table in {@code normalization-cases.tsv}: locale, input, what a reader says. */
class NormalizationCasesTest {

    private static final TextPipeline PIPELINE = TextPipeline.builder().build();

    static List<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(
                NormalizationCasesTest.class.getResourceAsStream("/normalization-cases.tsv"));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                if (columns.length != 3) {
                    throw new IllegalStateException("normalization-cases.tsv:" + number + ": " + columns.length
                            + " columns (expected: 3)");
                }
                cases.add(Arguments.of(number, columns[0], columns[1], columns[2]));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}: [{1}] {2}")
    @MethodSource("cases")
    void readsAsWritten(int line, String locale, String input, String expected) {
        assertThat(PIPELINE.prepare(input, Locale.forLanguageTag(locale)).normalized())
                .as("normalization-cases.tsv:%d", line)
                .isEqualTo(expected);
    }

    @Test
    void coversEnoughCasesOfEachLanguage() throws IOException {
        List<Arguments> cases = cases();
        long english = cases.stream().filter(a -> ((String) a.get()[1]).startsWith("en")).count();
        long chinese = cases.stream().filter(a -> ((String) a.get()[1]).startsWith("zh")).count();
        assertThat(english).isGreaterThanOrEqualTo(120);
        assertThat(chinese).isGreaterThanOrEqualTo(60);
    }
}

package dev.chorus.text;

import static dev.chorus.text.ChunkAssertions.assertWellFormed;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random text made of the pieces the rules look for: nothing may throw, and offsets must stay in order. */
class VerbalizerRobustnessTest {

    private static final String[] PIECES = {
        "1", "2", "12", "2026", "1,234", "3.14", ".5", "-", "-5", "+", "$", "$5.20", "€3", "£1.5m", "¥", "¥100",
        "%", "50%", "/", "1/2", ":", "9:30", "14:05", "am", "p.m.", "2026-11-25", "11/25/2026", "555-123-4567",
        "+1 (555) 123-4567", "(", ")", "km", "5 km", "°C", "-5°C", "Dr.", "St.", "Mr.", "e.g.", "U.S.", "etc.",
        "Henry", "VIII", "IV", "Chapter", "NASA", "FBI", "APIs", "jane.doe@example.com", "https://chorus.dev/x",
        "www.", "&", "@", "=", "#", "#1", "~", "'90s", "1990s", "1st", "22nd", "x", "3x4", "1e6", "Nov.", "25",
        "May", " ", " ", " ", ". ", ", ", "! ", "? ", "\n\n", "我", "有", "个", "第", "年", "月", "日", "元", "万",
        "两", "〇", "。", "，", "公元", "2个", "5.20元", "百分之", "—", "–", "...", "\"", "'", "k8s", "Ｆｕｌｌ",
        "\uD83D\uDE00", "\u200B", "½", "℃", "−", "USD", "10 EUR", "OK", "AT&T", "A", "I", "a", "0", "007", "9/11"};

    private static final List<Locale> LOCALES = List.of(Locale.US, Locale.UK, Locale.CHINA, Locale.ROOT,
            Locale.GERMANY);

    @Test
    void neverThrowsAndKeepsOffsetsInOrder() {
        Random random = new Random(11);
        TextPipeline pipeline = TextPipeline.builder().build();
        for (int round = 0; round < 1500; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + random.nextInt(40);
            for (int p = 0; p < pieces; p++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String input = text.toString();
            Locale locale = LOCALES.get(random.nextInt(LOCALES.size()));
            PreparedText prepared = pipeline.prepare(input, locale);
            assertWellFormed(prepared, pipeline.maxChunkChars(), pipeline.firstChunkMaxChars());
            assertThat(prepared.source()).isEqualTo(input);
            // A chunk may end inside the words read for one token; both halves then map to the whole token.
            Span previous = new Span(0, 0);
            for (TextChunk chunk : prepared.chunks()) {
                Span source = prepared.sourceSpan(chunk);
                assertThat(source.start()).as(input).isGreaterThanOrEqualTo(previous.start());
                assertThat(source.end()).as(input).isGreaterThanOrEqualTo(previous.end())
                        .isLessThanOrEqualTo(input.length());
                previous = source;
            }
        }
    }

    @Test
    void readsTenThousandCharsOfMixedTextInMilliseconds() {
        String paragraph = "On 2026-11-25 at 9:30am, Dr. Smith paid $5.20 for 2 coffees at 42 Main St. in the "
                + "U.S.; the FBI and NASA sent 1,234 e-mails to jane.doe@example.com (about 50%). "
                + "我有3个苹果，花了5.20元，2026年11月25日14:05出发，电话13812345678。"
                + "Henry VIII wrote Chapter IV in 1509-1547, i.e. 38 years; call +1 (555) 123-4567 now! ";
        StringBuilder text = new StringBuilder();
        while (text.length() < 10_000) {
            text.append(paragraph);
        }
        TextPipeline pipeline = TextPipeline.builder().build();
        String input = text.toString();
        for (int warmup = 0; warmup < 20; warmup++) {
            pipeline.prepare(input, Locale.US);
        }
        int runs = 20;
        long start = System.nanoTime();
        for (int run = 0; run < runs; run++) {
            pipeline.prepare(input, Locale.US);
        }
        long millis = (System.nanoTime() - start) / 1_000_000 / runs;
        // Typically a few milliseconds; the bound leaves room for slow, shared build machines.
        assertThat(millis).isLessThan(250);
    }
}

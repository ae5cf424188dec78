package dev.chorus.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the time to the first audio byte of a 2,000-character text with the time to synthesize its first
 * sentence alone (the whole response). Streaming works when the two are close: the client hears the first
 * sentence as soon as it alone would have been ready. Each round uses new text (a round number in the first
 * sentence), so no cache answers it; the figures are medians over the rounds, one request at a time.
 */
public final class FirstAudio {

    /** Length of the long text. */
    public static final int LONG_CHARS = 2000;

    private FirstAudio() {
    }

    /** Measures and prints medians over {@code rounds}; returns them for the JSON result. */
    public static Map<String, Object> run(HttpClient http, URI speechUrl, String voice, String format, int rounds,
                                          PrintStream out) throws IOException, InterruptedException {
        List<Double> longFirst = new ArrayList<>();
        List<Double> longTotal = new ArrayList<>();
        List<Double> sentenceFirst = new ArrayList<>();
        List<Double> sentenceTotal = new ArrayList<>();
        int sentenceChars = 0;
        for (int i = -1; i < rounds; i++) {
            String prefix = "In round " + (i + 2) + ", ";
            String longText = prefix + Texts.ofLength(LONG_CHARS - prefix.length());
            String firstSentence = longText.substring(0, longText.indexOf(". ") + 1);
            double[] whole = LoadGenerator.once(http, SpeechRequests.post(speechUrl, voice, format, longText));
            double[] one = LoadGenerator.once(http, SpeechRequests.post(speechUrl, voice, format, firstSentence));
            if (i < 0) {
                continue; // warm-up round
            }
            sentenceChars = firstSentence.length();
            longFirst.add(whole[0]);
            longTotal.add(whole[1]);
            sentenceFirst.add(one[0]);
            sentenceTotal.add(one[1]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds", rounds);
        m.put("long_text_chars", LONG_CHARS);
        m.put("long_text_first_audio_ms", LoadGenerator.median(longFirst));
        m.put("long_text_total_ms", LoadGenerator.median(longTotal));
        m.put("first_sentence_chars", sentenceChars);
        m.put("first_sentence_first_audio_ms", LoadGenerator.median(sentenceFirst));
        m.put("first_sentence_total_ms", LoadGenerator.median(sentenceTotal));
        out.printf(Locale.ROOT, "first audio: %d chars: first audio %.1f ms (whole %.1f ms); its first sentence alone"
                        + " (%d chars): whole response %.1f ms; medians of %d rounds%n", LONG_CHARS,
                m.get("long_text_first_audio_ms"), m.get("long_text_total_ms"), sentenceChars,
                m.get("first_sentence_total_ms"), rounds);
        return m;
    }
}

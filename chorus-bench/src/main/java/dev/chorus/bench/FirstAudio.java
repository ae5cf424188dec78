package dev.chorus.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares, on a running Chorus server, the time to the first audio byte of a 2,000-character text with the time
 * to synthesize its first sentence alone (the whole response). Streaming works when the two are close: the
 * client hears the first sentence as soon as it alone would have been ready. Loopback targets only.
 *
 * <p>Run: {@code java -cp "chorus-bench/target/chorus-bench-0.1.0-SNAPSHOT.jar:chorus-bench/target/lib/*"
 * dev.chorus.bench.FirstAudio --url http://127.0.0.1:8080/v1/audio/speech --voice hmm:cmu-slt-hsmm --runs 5}
 */
public final class FirstAudio {

    private FirstAudio() {
    }

    /** Measures and prints medians over {@code --runs} runs. */
    public static void main(String[] argv) throws Exception {
        Map<String, String> a = LoopbackHttp.args(argv);
        URI uri = LoopbackHttp.loopback(a.getOrDefault("url", "http://127.0.0.1:8080/v1/audio/speech"));
        String voice = a.getOrDefault("voice", "hmm:cmu-slt-hsmm");
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        String longText = (Texts.PARAGRAPH_300 + " ").repeat(7).substring(0, 2000);
        String firstSentence = longText.substring(0, longText.indexOf(". ") + 1);
        HttpClient http = LoopbackHttp.client();
        String body = "{\"input\":%s,\"voice\":" + LoopbackHttp.quote(voice) + ",\"response_format\":\"pcm\"}";
        List<Double> longFirst = new ArrayList<>();
        List<Double> longTotal = new ArrayList<>();
        List<Double> sentenceFirst = new ArrayList<>();
        List<Double> sentenceTotal = new ArrayList<>();
        HttpLoad.one(http, LoopbackHttp.post(uri, body.formatted(LoopbackHttp.quote(firstSentence))));
        for (int i = 0; i < runs; i++) {
            double[] whole = HttpLoad.one(http, LoopbackHttp.post(uri, body.formatted(LoopbackHttp.quote(longText))));
            double[] one = HttpLoad.one(http,
                    LoopbackHttp.post(uri, body.formatted(LoopbackHttp.quote(firstSentence))));
            longFirst.add(whole[0]);
            longTotal.add(whole[1]);
            sentenceFirst.add(one[0]);
            sentenceTotal.add(one[1]);
        }
        System.out.printf(Locale.ROOT, "voice=%s runs=%d | 2000 chars: first audio ms p50=%.0f, whole ms p50=%.0f"
                        + " | first sentence alone (%d chars): first audio ms p50=%.0f, whole ms p50=%.0f%n", voice,
                runs, LoopbackHttp.percentile(longFirst, 50), LoopbackHttp.percentile(longTotal, 50),
                firstSentence.length(), LoopbackHttp.percentile(sentenceFirst, 50),
                LoopbackHttp.percentile(sentenceTotal, 50));
    }
}

package dev.chorus.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the HTTP benchmarks share: argument parsing, a loopback-only target check, the client and percentiles. */
final class LoopbackHttp {

    private LoopbackHttp() {
    }

    /** Parses {@code --name value} pairs; a flag without a value is "true". */
    static Map<String, String> args(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("argument: '" + args[i] + "' (expected: --name value)");
            }
            String name = args[i].substring(2);
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            m.put(name, hasValue ? args[++i] : "true");
        }
        return m;
    }

    /**
     * Returns {@code url} if its host is a loopback address.
     *
     * @throws IllegalArgumentException otherwise: these tools only ever load a server on this machine
     */
    static URI loopback(String url) {
        URI uri = URI.create(url);
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (!a.isLoopbackAddress()) {
                    throw new IllegalArgumentException("url: " + url + " (expected: a loopback address such as "
                            + "127.0.0.1; these tools never send load elsewhere)");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("url: " + url + " (unknown host)", e);
        }
        return uri;
    }

    /** Returns an HTTP/1.1 client, as most speech clients use. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Returns a JSON POST of {@code body} to {@code uri}. */
    static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Returns the JSON string literal of {@code s}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Returns the {@code p}-th percentile (0-100) of {@code millis}, nearest-rank. */
    static double percentile(List<Double> millis, double p) {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}

package dev.chorus.server;

import dev.chorus.runtime.SentenceCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1 responses read byte by byte off a plain socket, the way a client without a library meets them: a response's
 * head leaves in the same write as its body (ResponseHeadCoalescer), and that must not change what arrives for
 * pipelined requests, {@code Connection: close}, a client that half-closes after its request, a streamed
 * (chunked) synthesis, or a HEAD.
 */
class Http1ResponseFramingTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new CountingEngineProvider()),
            r -> r.workers("counting", 2).defaultVoice("counting:tone"),
            s -> s.sentenceCache(SentenceCache.ofMaxBytes(1_000_000)),
            c -> c.warmUp(false).cache(true).cacheMaxBytes(2_000_000).cacheMaxEntryBytes(1_000_000));

    private record Response(int status, String head, byte[] body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private static String speech(String text, String... headers) {
        String body = "{\"input\":" + Http.quote(text) + ",\"voice\":\"counting:tone\",\"response_format\":\"wav\"}";
        return "POST /v1/audio/speech HTTP/1.1\r\nHost: chorus\r\nContent-Type: application/json\r\n"
                + String.join("", headers) + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection ended inside a line: " + b);
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1).stripTrailing();
    }

    /** Reads one response; {@code head} is true for the answer to a HEAD request (no body). */
    private static Response read(InputStream in, boolean head) throws IOException {
        StringBuilder h = new StringBuilder();
        String status = line(in);
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            h.append(l).append("\r\n");
        }
        Response headOnly = new Response(Integer.parseInt(status.split(" ")[1]), h.toString(), new byte[0]);
        if (head) {
            return headOnly;
        }
        String length = headOnly.header("content-length");
        if (length != null) {
            return new Response(headOnly.status(), headOnly.head(), in.readNBytes(Integer.parseInt(length)));
        }
        assertThat(headOnly.header("transfer-encoding")).isEqualToIgnoringCase("chunked");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
            body.write(in.readNBytes(size));
            assertThat(line(in)).isEmpty();
        }
        assertThat(line(in)).isEmpty(); // no trailers
        return new Response(headOnly.status(), headOnly.head(), body.toByteArray());
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket(SERVER.uri("/").getHost(), SERVER.uri("/").getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    @Test
    @Timeout(60)
    void pipelinedHitsAndAStreamedMissArriveWholeAndInOrder() throws Exception {
        String text = "Pipelined requests get their answers in order.";
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            s.getOutputStream().write(speech(text).getBytes(StandardCharsets.UTF_8));
            Response first = read(in, false);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body().length).isGreaterThan(44);

            s.getOutputStream().write((speech(text) + speech(text) + speech(text + " A miss."))
                    .getBytes(StandardCharsets.UTF_8));
            List<Response> answers = new ArrayList<>();
            answers.add(first);
            for (int i = 0; i < 3; i++) {
                answers.add(read(in, false));
            }
            for (Response r : answers.subList(1, 3)) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-chorus-cache")).isEqualTo("hit");
                assertThat(r.body()).isEqualTo(first.body());
            }
            Response miss = answers.get(3);
            assertThat(miss.header("x-chorus-cache")).isEqualTo("miss");
            assertThat(new String(miss.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            assertThat(miss.body().length).isGreaterThan(first.body().length);

            // The connection is still good for another request after all of that.
            s.getOutputStream().write(speech(text).getBytes(StandardCharsets.UTF_8));
            assertThat(read(in, false).body()).isEqualTo(first.body());
        }
    }

    @Test
    @Timeout(60)
    void aHitAnsweredOnAClosingConnectionArrivesWholeBeforeTheEnd() throws Exception {
        String text = "The last answer on a connection.";
        byte[] expected;
        try (Socket s = connect()) {
            s.getOutputStream().write(speech(text).getBytes(StandardCharsets.UTF_8));
            expected = read(s.getInputStream(), false).body();
        }
        try (Socket s = connect()) { // Connection: close
            s.getOutputStream().write(speech(text, "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            Response r = read(in, false);
            assertThat(r.header("x-chorus-cache")).isEqualTo("hit");
            assertThat(r.body()).isEqualTo(expected);
            assertThat(in.read()).isEqualTo(-1);
        }
        try (Socket s = connect()) { // the client half-closes right after its request
            s.getOutputStream().write(speech(text).getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            Response r = read(s.getInputStream(), false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(expected);
        }
    }

    @Test
    @Timeout(60)
    void headAndErrorAnswersKeepTheirFraming() throws Exception {
        try (Socket s = connect()) {
            String requests = "HEAD /healthz HTTP/1.1\r\nHost: chorus\r\n\r\n"
                    + "GET /no/such/route HTTP/1.1\r\nHost: chorus\r\n\r\n"
                    + "POST /v1/audio/speech HTTP/1.1\r\nHost: chorus\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 9\r\n\r\n{\"input\":"
                    + "GET /healthz HTTP/1.1\r\nHost: chorus\r\n\r\n";
            s.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            Response head = read(in, true);
            assertThat(head.status()).isEqualTo(200);
            Response missing = read(in, false);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("\"code\":\"not_found\"");
            Response invalid = read(in, false);
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(new String(invalid.body(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT))
                    .contains("invalid_json");
            Response health = read(in, false);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isNotEmpty();
        }
    }
}

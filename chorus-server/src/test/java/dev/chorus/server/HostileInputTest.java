package dev.chorus.server;

import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.SynthesizeResponse;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input from outside, against a real server: malformed and hostile JSON, hostile SSML, odd headers and
 * encodings, hostile gRPC fields (through HTTP/JSON transcoding and a real gRPC stub). Every answer is 2xx or 4xx
 * with no Java class name or stack trace in it, and the server logs no stack trace meanwhile. Random cases come
 * from a fixed seed, so a failure repeats; the whole class runs in seconds.
 */
class HostileInputTest {

    private static final long SEED = 20_261_204L;
    private static final String APP = "https://app.example.org";

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 2).defaultVoice("paced:tone"), s -> s,
            c -> c.warmUp(false).corsAllowedOrigins(List.of(APP)));

    /** A Java class name, an exception's name or a stack frame. */
    private static final Pattern JAVA = Pattern.compile("\\b(?:java|javax|com|io|org|dev)\\.[a-z]\\w{0,30}\\."
            + "|[A-Za-z]{0,60}(?:Exception|Error)\\b|\\tat |\\bat [\\w.$]{1,200}\\(");

    private static final List<LogRecord> TRACES = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getThrown() != null || String.valueOf(r.getMessage()).contains("\tat ")) {
                TRACES.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void captureLog() {
        Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void noStackTraceWasLogged() {
        Logger.getLogger("").removeHandler(CAPTURE);
        assertThat(TRACES).as("log records with a stack trace: %s", TRACES.stream()
                .map(r -> r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown()).toList()).isEmpty();
    }

    // ---- helpers

    private static HttpResponse<byte[]> send(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(SERVER.uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return SERVER.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> json(String path, byte[] body, String... headers) throws Exception {
        List<String> h = new ArrayList<>(List.of("Content-Type", "application/json"));
        h.addAll(List.of(headers));
        return send(path, body, h.toArray(String[]::new));
    }

    private static HttpResponse<byte[]> speech(String body) throws Exception {
        return json("/v1/audio/speech", body.getBytes(StandardCharsets.UTF_8));
    }

    /** Checks that an answer is 2xx or 4xx with no Java names in it, and returns it. */
    private static HttpResponse<byte[]> sane(String what, HttpResponse<byte[]> r) {
        String type = r.headers().firstValue("content-type").orElse("");
        String body = type.startsWith("audio") || type.contains("octet") ? "" : new String(r.body(),
                StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as("%s: %s", what, body).isBetween(200, 499);
        assertThat(JAVA.matcher(body).find()).as("%s: Java names in %s", what, body).isFalse();
        r.headers().map().forEach((k, v) -> assertThat(JAVA.matcher(String.join(",", v)).find())
                .as("%s: header %s: %s", what, k, v).isFalse());
        return r;
    }

    private static String message(HttpResponse<byte[]> r) throws Exception {
        return Http.json(r).at("/error/message").asText();
    }

    private static String nested(String open, String close, int depth, String inner) {
        return open.repeat(depth) + inner + close.repeat(depth);
    }

    // ---- JSON

    @Test
    void deepNestingIsRefusedWithTheLimit() throws Exception {
        for (int depth : new int[] {33, 1001, 5000, 100_000}) {
            for (String body : List.of(nested("[", "]", depth, ""),
                    "{\"input\":\"Hi.\",\"lexicon\":" + nested("[", "]", depth, "") + "}",
                    nested("{\"a\":", "}", depth, "1"))) {
                HttpResponse<byte[]> r = sane("nesting " + depth, speech(body));
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(message(r)).contains("nested deeper than 32 levels");
            }
        }
    }

    @Test
    void malformedJsonOfEveryKindIsA400() throws Exception {
        List<String> bodies = List.of("", " ", "null", "true", "\"Hello\"", "[]", "{", "}", "{\"input\"}",
                "{\"input\":\"a\",\"input\":\"b\"}", "{\"input\":\"Hi.\",\"speed\":1e999999}",
                "{\"input\":\"Hi.\",\"speed\":" + "9".repeat(5000) + "}",
                "{\"input\":\"Hi.\",\"sample_rate\":99999999999999999999}", "{\"input\":\"Hi.\",\"speed\":NaN}",
                "{\"input\":\"Hi.\",\"speed\":-0.0}", "{\"input\":5}", "{\"input\":[\"a\"]}", "{\"input\":{}}",
                "{\"input\":true}", "{\"input\":null}", "{\"input\":\"Hi.\",\"voice\":7}",
                "{\"input\":\"Hi.\",\"voice\":{\"id\":[]}}", "{\"input\":\"Hi.\",\"lexicon\":\"x\"}",
                "{\"input\":\"Hi.\",\"lexicon\":[1,null,{}]}", "{\"input\":\"Hi.\",\"response_format\":{}}",
                "{\"input\":\"\\u0000\"}", "{\"input\":\"a\\u0000b\"}", "{\"input\":\"\\u001b[31mred\"}",
                "{\"input\":\"\\ud800\"}", "{\"input\":\"\\udc00x\\ud800\"}", "{\"input\":\"a\u0000b\"}",
                "{\"input\":\"" + "a".repeat(5000) + "\"}", "{\"input\":\"Hi.\",\"voice\":\"" + "v".repeat(200_000)
                        + "\"}", "{\"input\":\"Hi.\",\"model\":\"" + "m".repeat(200_000) + "\"}",
                "{\"input\":\"Hi.\",\"" + "k".repeat(100_000) + "\":1}", "{'input':'Hi.'}", "{input:\"Hi.\"}",
                "{\"input\":\"Hi.\"} trailing", "{\"input\":\"Hi.\",}", "\uFEFF{\"input\":\"Hi.\"}");
        for (String body : bodies) {
            HttpResponse<byte[]> r = sane(abbreviate(body), speech(body));
            if (r.statusCode() >= 400) {
                assertThat(message(r)).as(abbreviate(body)).isNotBlank();
            }
        }
        assertThat(speech("{\"input\":\"a\",\"input\":\"b\"}").statusCode()).isEqualTo(400);
        assertThat(message(speech("{\"input\":\"x\\ud800y\"}"))).contains("unpaired surrogate");
        assertThat(message(speech("{\"input\":\"a\",\"input\":\"b\"}"))).contains("input");
        assertThat(speech("{\"input\":\"Hi.\",\"speed\":" + "9".repeat(5000) + "}").statusCode()).isEqualTo(400);
    }

    @Test
    void bytesThatAreNotUtf8AreA400() throws Exception {
        for (byte[] bad : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, 0x28},
                new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes("{\"input\":\"Hi ".getBytes(StandardCharsets.UTF_8));
            b.writeBytes(bad);
            b.writeBytes(".\"}".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> r = sane("invalid UTF-8", json("/v1/audio/speech", b.toByteArray()));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(message(r)).startsWith("request body: not valid UTF-8 (at byte 13");
            sane("invalid UTF-8, transcoded", json("/v1/tts/synthesize", b.toByteArray()));
        }
    }

    @Test
    void randomBytesAndMutationsOfAGoodBody() throws Exception {
        Random random = new Random(SEED);
        String good = "{\"input\":\"Hello there.\",\"voice\":\"paced:tone\",\"response_format\":\"wav\","
                + "\"speed\":1.5,\"lexicon\":[{\"grapheme\":\"there\",\"alias\":\"their\"}]}";
        String alphabet = "{}[]\":,\\ 0123456789.eE+-tfnul<>&;/\u0000\u001f\u00e9\u20ac\ud83d\ude00";
        for (int i = 0; i < 40; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            sane("random bytes #" + i, json("/v1/audio/speech", junk));
            StringBuilder m = new StringBuilder(good);
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(m.length());
                switch (random.nextInt(3)) {
                    case 0 -> m.deleteCharAt(at);
                    case 1 -> m.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> m.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            sane("mutation #" + i + ": " + m, speech(m.toString()));
            sane("transcoded mutation #" + i, json("/v1/tts/synthesize", m.toString()
                    .replace("\"input\"", "\"text\"").getBytes(StandardCharsets.UTF_8)));
        }
    }

    // ---- SSML

    @Test
    void hostileSsmlIsRefusedOrReadSafely() throws Exception {
        List<String> docs = List.of(
                "<?xml version=\"1.0\"?><!DOCTYPE speak [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                        + "<speak>&xxe;</speak>",
                "<!DOCTYPE speak [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><speak>&c;&c;&c;&c;</speak>",
                "<speak>&undefined; &amp; &#0; &#x1F600; &#xD800;</speak>",
                "<speak>" + nested("<prosody rate=\"fast\">", "</prosody>", 5000, "deep") + "</speak>",
                "<speak><break time=\"" + "9".repeat(300_000) + "ms\"/>Hi.</speak>",
                "<speak><voice name=\"" + "x".repeat(300_000) + "\">Hi.</voice></speak>",
                "<speak xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/passwd\"/>"
                        + "</speak>",
                "<speak><?php echo 1; ?><![CDATA[<b>Hi.</b>]]></speak>", "<speak>unclosed", "<speak></speak>",
                "<speak><audio src=\"http://169.254.169.254/\"/>Hi.</speak>",
                "<speak><phoneme alphabet=\"ipa\" ph=\"\u0000\">x</phoneme></speak>");
        for (String d : docs) {
            HttpResponse<byte[]> r = sane("SSML " + abbreviate(d), speech("{\"input\":" + Http.quote(d)
                    + ",\"response_format\":\"pcm\"}"));
            assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain("root:");
            sane("transcoded SSML " + abbreviate(d), json("/v1/tts/synthesize", ("{\"text\":" + Http.quote(d) + "}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
    }

    // ---- headers

    @Test
    void contentTypesOtherThanJsonAre415() throws Exception {
        byte[] body = "{\"input\":\"Hi.\"}".getBytes(StandardCharsets.UTF_8);
        for (String type : List.of("multipart/form-data; boundary=xyz", "text/plain",
                "application/x-www-form-urlencoded", "text/html", "application/xml", "garbage", "/", ";;;",
                "application/octet-stream")) {
            for (String path : List.of("/v1/audio/speech", "/v1/tts/synthesize")) {
                HttpResponse<byte[]> r = sane(type, send(path, body, "Content-Type", type));
                assertThat(r.statusCode()).as(type + " " + path).isEqualTo(415);
                assertThat(message(r)).contains("expected: application/json");
            }
        }
        for (String type : List.of("application/json", "application/json; charset=utf-8",
                "Application/JSON;charset=UTF-8")) {
            assertThat(sane(type, send("/v1/audio/speech", body, "Content-Type", type)).statusCode())
                    .as(type).isEqualTo(200);
        }
        assertThat(sane("no content type", send("/v1/audio/speech", body)).statusCode()).isEqualTo(200);
    }

    @Test
    void gzipAndDeflateBodiesAreDecodedWithinTheSizeLimit() throws Exception {
        byte[] body = "{\"input\":\"Hi.\",\"response_format\":\"wav\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> gz = sane("gzip", json("/v1/audio/speech", gzip(body), "Content-Encoding", "gzip"));
        assertThat(gz.statusCode()).isEqualTo(200);
        assertThat(new String(gz.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(sane("deflate", json("/v1/audio/speech", deflate(body), "Content-Encoding", "deflate"))
                .statusCode()).isEqualTo(200);
        assertThat(sane("gzip, transcoded", json("/v1/tts/synthesize",
                gzip("{\"text\":\"Hi.\"}".getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "gzip"))
                .statusCode()).isEqualTo(200);

        // 64 MiB of spaces inside a JSON string, about 64 KiB compressed: refused by its decoded size.
        byte[] bomb = gzip(("{\"input\":\"" + " ".repeat(64 << 20) + "\"}").getBytes(StandardCharsets.US_ASCII));
        assertThat(bomb.length).isLessThan(1 << 20);
        HttpResponse<byte[]> r = sane("zip bomb", json("/v1/audio/speech", bomb, "Content-Encoding", "gzip"));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(message(r)).contains("1048576 bytes");

        for (String enc : List.of("br", "zstd", "compress", "gzip, gzip", "bogus", "x-unknown")) {
            HttpResponse<byte[]> u = sane(enc, json("/v1/audio/speech", body, "Content-Encoding", enc));
            assertThat(u.statusCode()).as(enc).isEqualTo(415);
            assertThat(u.headers().firstValue("accept-encoding")).hasValue("gzip, deflate");
        }
        byte[] corrupt = gzip(body);
        corrupt[corrupt.length / 2] ^= 0x5a;
        assertThat(sane("corrupt gzip", json("/v1/audio/speech", corrupt, "Content-Encoding", "gzip"))
                .statusCode()).isEqualTo(400);
        HttpResponse<byte[]> notGzip = sane("gzip that is not gzip", json("/v1/audio/speech", body,
                "Content-Encoding", "gzip"));
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(message(notGzip)).contains("Content-Encoding");
        sane("identity", json("/v1/audio/speech", body, "Content-Encoding", "identity"));
    }

    @Test
    void oddAcceptAndConnectionHeaders() throws Exception {
        byte[] body = "{\"input\":\"Hi.\",\"response_format\":\"pcm\"}".getBytes(StandardCharsets.UTF_8);
        for (String accept : List.of("image/png", "*/*;q=garbage", ";;;", "text/event-stream", "application/json")) {
            sane("Accept: " + accept, json("/v1/audio/speech", body, "Accept", accept));
            sane("GET /v1/voices Accept: " + accept, SERVER.http().send(HttpRequest.newBuilder(
                    SERVER.uri("/v1/voices")).header("Accept", accept).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (String raw : List.of("Connection: upgrade, close\r\nUpgrade: websocket\r\n",
                "Connection: keep-alive, te\r\nTE: trailers\r\n", "Connection: \u0001\r\n",
                "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")) {
            String status = rawStatus("GET /v1/models HTTP/1.1\r\nHost: x\r\n" + raw + "\r\n");
            assertThat(status).as(raw).matches("HTTP/1\\.1 [234]\\d\\d.*");
        }
    }

    @Test
    void connectionCloseClosesAtOnce() throws Exception {
        for (String request : List.of("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 15\r\n\r\n{\"input\":\"Hi.\"}")) {
            try (Socket s = new Socket("127.0.0.1", SERVER.server().port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                int first = in.read();
                long t0 = System.nanoTime();
                byte[] rest = in.readAllBytes(); // Ends when the server closes the connection.
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String head = (char) first + new String(rest, StandardCharsets.ISO_8859_1);
                assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
                assertThat(ms).as("time from the response to the end of the connection").isLessThan(1000);
            }
        }
    }

    // ---- browsers

    @Test
    void otherSitesPagesAreRefusedAndListedOnesGetCors() throws Exception {
        byte[] body = "{\"input\":\"Hi.\"}".getBytes(StandardCharsets.UTF_8);
        // What a page of another site can send without a preflight: a form or a text/plain fetch.
        HttpResponse<byte[]> form = sane("cross-site form", send("/v1/audio/speech", body,
                "Content-Type", "text/plain;charset=UTF-8", "Origin", "https://evil.example"));
        assertThat(form.statusCode()).isEqualTo(415);
        for (String origin : List.of("https://evil.example", "null", "http://127.0.0.1:1", "garbage")) {
            for (String path : List.of("/v1/audio/speech", "/v1/tts/synthesize")) {
                HttpResponse<byte[]> r = sane(origin, send(path, body, "Origin", origin));
                assertThat(r.statusCode()).as(origin + " " + path).isEqualTo(403);
                assertThat(message(r)).contains("server.cors.allowed-origins");
            }
        }
        String self = "http://127.0.0.1:" + SERVER.server().port();
        assertThat(json("/v1/audio/speech", body, "Origin", self).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> listed = json("/v1/audio/speech", body, "Origin", APP);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(listed.headers().firstValue("access-control-expose-headers")).hasValueSatisfying(
                v -> assertThat(v).contains("x-chorus-voice"));
        HttpResponse<byte[]> preflight = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", APP)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, authorization").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(
                v -> assertThat(v).contains("POST"));
        HttpResponse<byte[]> evilPreflight = SERVER.http().send(HttpRequest.newBuilder(
                SERVER.uri("/v1/audio/speech")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(evilPreflight.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void everyHtmlPageHasTheSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/docs/", "/docs/index.html")) {
            HttpResponse<byte[]> r = Http.get(SERVER, path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).as(path).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/html"));
            Map<String, List<String>> h = r.headers().map();
            assertThat(h.get("content-security-policy")).as(path).singleElement().satisfies(csp -> assertThat(csp)
                    .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                            "base-uri 'none'").doesNotContain("script-src 'self' 'unsafe-inline'"));
            assertThat(h.get("x-content-type-options")).as(path).containsExactly("nosniff");
            assertThat(h.get("referrer-policy")).as(path).containsExactly("no-referrer");
            assertThat(h.get("x-frame-options")).as(path).containsExactly("DENY");
        }
    }

    @Test
    void publicRoutesShowNoServerPaths() throws Exception {
        Pattern path = Pattern.compile("(?<![\\w.:/])/(?:usr|root|home|tmp|var|srv|opt|etc)/");
        for (String route : List.of("/v1/models", "/v1/voices", "/v1/audio/voices")) {
            String body = new String(Http.get(SERVER, route).body(), StandardCharsets.UTF_8);
            assertThat(path.matcher(body).find()).as(route + ": " + body).isFalse();
        }
    }

    // ---- gRPC

    @Test
    void hostileGrpcFieldsAreInvalidArgumentsNotInternalErrors() throws Exception {
        TextToSpeechGrpc.TextToSpeechBlockingStub stub = TextToSpeechGrpc.newBlockingStub(SERVER.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        List<SynthesizeRequest> requests = List.of(SynthesizeRequest.newBuilder().build(),
                SynthesizeRequest.newBuilder().setText("\u0000\u0001\u001b").build(),
                SynthesizeRequest.newBuilder().setText("a".repeat(100_000)).build(),
                SynthesizeRequest.newBuilder().setText("Hi.").setVoice("v".repeat(100_000)).build(),
                SynthesizeRequest.newBuilder().setText("Hi.").setSpeed(-1).build(),
                SynthesizeRequest.newBuilder().setText("Hi.").setSpeed(Float.NaN).build(),
                SynthesizeRequest.newBuilder().setText("Hi.").setSampleRate(-5).build(),
                SynthesizeRequest.newBuilder().setText("<!DOCTYPE speak [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<speak>&x;</speak>").build(),
                SynthesizeRequest.newBuilder().setText("<speak>" + nested("<s>", "</s>", 3000, "x") + "</speak>")
                        .build());
        for (SynthesizeRequest q : requests) {
            try {
                stub.synthesize(q);
            } catch (StatusRuntimeException e) {
                saneGrpc(abbreviate(q.toString()), e);
            }
        }
        // Field 1 (text) as bytes that are not UTF-8, and bytes that are not protobuf at all.
        for (byte[] raw : List.of(new byte[] {0x0a, 0x03, 'H', (byte) 0xff, 'i'}, new byte[] {0x0a, 0x7f, 1},
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})) {
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(SERVER.channel(), rawSynthesize(),
                            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), raw));
            saneGrpc("raw bytes", e);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        StatusRuntimeException utf8 = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(SERVER.channel(), rawSynthesize(), io.grpc.CallOptions.DEFAULT,
                        new byte[] {0x0a, 0x03, 'H', (byte) 0xff, 'i'}));
        assertThat(utf8.getStatus().getDescription()).contains("not valid UTF-8");
    }

    private static void saneGrpc(String what, StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).as("%s: %s", what, e.getStatus())
                .isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DATA_LOSS);
        String d = String.valueOf(e.getStatus().getDescription());
        assertThat(JAVA.matcher(d).find()).as("%s: Java names in %s", what, d).isFalse();
    }

    @Test
    void hostileTranscodedJson() throws Exception {
        for (String body : List.of(nested("[", "]", 5000, ""), "{\"text\":" + nested("{\"a\":", "}", 3000, "1") + "}",
                "{\"text\":5}", "{\"text\":\"Hi.\",\"speed\":\"fast\"}", "{\"text\":\"Hi.\",\"sample_rate\":1e99}",
                "{\"text\":\"Hi.\",\"unknown\":1}", "{\"text\":\"Hi.\",\"text\":\"again\"}", "{\"text\":\"\\u0000\"}",
                "{\"text\":\"Hi.\",\"format\":\"NOPE\"}", "{\"text\":\"Hi.\",\"speed\":" + "9".repeat(5000) + "}",
                "", "null", "[]")) {
            sane("transcoded " + abbreviate(body), json("/v1/tts/synthesize", body.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The Synthesize method with the request as raw bytes, to send what a protobuf library would not. */
    private static MethodDescriptor<byte[], SynthesizeResponse> rawSynthesize() {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                throw new UnsupportedOperationException();
            }
        };
        return TextToSpeechGrpc.getSynthesizeMethod().toBuilder(bytes,
                io.grpc.protobuf.ProtoUtils.marshaller(SynthesizeResponse.getDefaultInstance())).build();
    }

    // ---- small things

    private static String rawStatus(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", SERVER.server().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] head = s.getInputStream().readNBytes(64);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            return text.contains("\r\n") ? text.substring(0, text.indexOf("\r\n")) : text;
        }
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] deflate(byte[] data) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("[\\x00-\\x1f]", "?");
        return t.length() > 80 ? t.substring(0, 77) + "..." : t;
    }

}

package dev.chorus.server;

import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.SynthesizeResponse;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.server.telemetry.LogFields;
import dev.chorus.server.telemetry.Telemetry;
import dev.chorus.server.tls.PeerIdentityDecorator;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mutual-TLS listener: SVIDs from the trusted authority get audio over HTTPS (HTTP/2) and gRPC, and the
 * server names their SPIFFE ID; no certificate, another authority, an expired certificate or another trust domain
 * fail the handshake; rotated certificate and trust files apply to new connections without a restart.
 */
class MutualTlsTest {

    private static final String READER = "spiffe://example.org/ns/speech/sa/reader";
    private static final String BATCH = "spiffe://example.org/ns/speech/sa/batch";
    private static final String SPEECH = "{\"input\":\"One two three.\",\"voice\":\"paced:tone\","
            + "\"response_format\":\"wav\"}";

    private static final Path DIR;
    private static final TestPki.Issued CA;
    /** A second authority, in a federated bundle that rotation later retires. */
    private static final TestPki.Issued RETIRING_CA;
    private static final TestPki.Issued KEPT_CA;
    private static final TestPki.Issued ROGUE_CA;

    static {
        try {
            DIR = Files.createTempDirectory("chorus-mtls");
            CA = TestPki.authority("Chorus test CA");
            RETIRING_CA = TestPki.authority("Retiring partner CA");
            KEPT_CA = TestPki.authority("Kept partner CA");
            ROGUE_CA = TestPki.authority("Untrusted CA");
            TestPki.server(CA, "spiffe://example.org/chorus").write(DIR, "server");
            TestPki.writeAtomically(DIR.resolve("bundle.pem"), TestPki.pem(List.of(CA.certificate())));
            TestPki.writeAtomically(DIR.resolve("federated.pem"),
                    TestPki.pem(List.of(RETIRING_CA.certificate(), KEPT_CA.certificate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 2).defaultVoice("paced:tone"), s -> s,
            c -> c.warmUp(false).tls(TlsConfig.builder().port(0)
                    .certificate(DIR.resolve("server.pem")).privateKey(DIR.resolve("server.key"))
                    .trustBundle(DIR.resolve("bundle.pem")).trustBundle(DIR.resolve("federated.pem"))
                    .trustDomain("example.org").reloadInterval(Duration.ofMillis(100)).peerHeader(true).build()));

    private static final List<LogRecord> ACCESS_LOG = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            ACCESS_LOG.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void captureAccessLog() {
        Logger.getLogger("dev.chorus.access").addHandler(CAPTURE);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Logger.getLogger("dev.chorus.access").removeHandler(CAPTURE);
        try (Stream<Path> files = Files.walk(DIR)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void trustedSvidGetsAudioOverHttp2AndTheServerNamesItsSpiffeId() throws Exception {
        HttpResponse<byte[]> r = post(TestPki.svid(CA, READER).clientContext(CA.certificate()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        Wav wav = WavFiles.read(r.body());
        assertThat(wav.sampleRate()).isEqualTo(PacedEngineProvider.RATE);
        assertThat(wav.seconds()).isBetween(0.2, 1.0);
        assertThat(Http.rms(wav.samples())).isGreaterThan(1000);
        assertThat(r.headers().firstValue(PeerIdentityDecorator.PEER_HEADER)).hasValue(READER);
        String requestId = r.headers().firstValue(Telemetry.REQUEST_ID_HEADER).orElseThrow();
        assertThat(accessLogSpiffeId(requestId)).isEqualTo(READER);
    }

    @Test
    void sseStreamsOverTheTlsPort() throws Exception {
        HttpResponse<byte[]> r = post(TestPki.svid(CA, READER).clientContext(CA.certificate()),
                "{\"input\":\"One two. Three four.\",\"voice\":\"paced:tone\",\"response_format\":\"pcm\","
                        + "\"stream_format\":\"sse\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body).contains("\"type\":\"speech.audio.delta\"").contains("\"type\":\"speech.audio.done\"");
        assertThat(r.headers().firstValue(PeerIdentityDecorator.PEER_HEADER)).hasValue(READER);
    }

    @Test
    void grpcClientWithAnSvidIsServedAndNamed() throws Exception {
        TestPki.svid(CA, BATCH).write(DIR, "batch");
        ChannelCredentials creds = TlsChannelCredentials.newBuilder()
                .keyManager(DIR.resolve("batch.pem").toFile(), DIR.resolve("batch.key").toFile())
                .trustManager(DIR.resolve("bundle.pem").toFile()).build();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", SERVER.server().tlsPort(), creds)
                .build();
        try {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            SynthesizeResponse r = TextToSpeechGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
                            MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .synthesize(SynthesizeRequest.newBuilder().setText("One two three.").setVoice("paced:tone")
                            .setFormat(AudioFormat.AUDIO_FORMAT_WAV).build());

            assertThat(Http.rms(WavFiles.read(r.getAudio().toByteArray()).samples())).isGreaterThan(1000);
            assertThat(headers.get().get(Metadata.Key.of(PeerIdentityDecorator.PEER_HEADER,
                    Metadata.ASCII_STRING_MARSHALLER))).isEqualTo(BATCH);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plainPortStillServesWithoutAnIdentity() throws Exception {
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", SPEECH);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue(PeerIdentityDecorator.PEER_HEADER)).isEmpty();
    }

    @Test
    void clientWithoutACertificateIsRefused() throws Exception {
        assertRefused(TestPki.anonymousClient(CA.certificate()));
    }

    @Test
    void certificateFromAnUntrustedAuthorityIsRefused() throws Exception {
        assertRefused(TestPki.svid(ROGUE_CA, READER).clientContext(CA.certificate()));
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        assertRefused(TestPki.svid(CA, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)), READER)
                .clientContext(CA.certificate()));
    }

    @Test
    void certificateOfAnotherTrustDomainIsRefused() throws Exception {
        assertRefused(TestPki.svid(CA, "spiffe://elsewhere.test/ns/speech/sa/reader")
                .clientContext(CA.certificate()));
    }

    @Test
    void certificateWithTwoUriNamesIsNotAnSvid() throws Exception {
        Instant now = Instant.now();
        assertRefused(TestPki.svid(CA, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1)), READER,
                BATCH).clientContext(CA.certificate()));
    }

    @Test
    void rotatedServerCertificateReachesNewConnections() throws Exception {
        SSLContext client = TestPki.svid(CA, READER).clientContext(CA.certificate());
        BigInteger before = serverSerial(client);
        TestPki.Issued next = TestPki.server(CA, "spiffe://example.org/chorus");
        // Key first, then certificate: between the two the pair does not match and the old one keeps serving.
        TestPki.writeAtomically(DIR.resolve("server.key"), TestPki.pem("PRIVATE KEY",
                next.keys().getPrivate().getEncoded()));
        TestPki.writeAtomically(DIR.resolve("server.pem"), TestPki.pem(next.chain()));

        BigInteger after = await(() -> serverSerial(client), s -> s.equals(next.certificate().getSerialNumber()));
        assertThat(after).isNotEqualTo(before).isEqualTo(next.certificate().getSerialNumber());
        assertThat(post(client).statusCode()).isEqualTo(200);
    }

    @Test
    void rotatedTrustBundleRefusesTheRetiredAuthority() throws Exception {
        SSLContext retiring = TestPki.svid(RETIRING_CA, READER).clientContext(CA.certificate());
        SSLContext kept = TestPki.svid(KEPT_CA, BATCH).clientContext(CA.certificate());
        assertThat(post(retiring).statusCode()).isEqualTo(200);

        TestPki.writeAtomically(DIR.resolve("federated.pem"), TestPki.pem(List.of(KEPT_CA.certificate())));

        await(() -> refused(retiring), refused -> refused);
        assertRefused(retiring);
        HttpResponse<byte[]> r = post(kept);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue(PeerIdentityDecorator.PEER_HEADER)).hasValue(BATCH);
    }

    private static HttpResponse<byte[]> post(SSLContext ssl) throws Exception {
        return post(ssl, SPEECH);
    }

    private static HttpResponse<byte[]> post(SSLContext ssl, String json) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(20)).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + SERVER.server().tlsPort()
                            + "/v1/audio/speech")).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    /** Asserts that the server refuses the client's handshake: no response, a TLS or connection error. */
    private static void assertRefused(SSLContext ssl) {
        assertThatThrownBy(() -> post(ssl)).isInstanceOf(IOException.class);
    }

    private static boolean refused(SSLContext ssl) throws Exception {
        try {
            post(ssl);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Opens a new TLS connection and returns the serial number of the certificate the server presents. */
    private static BigInteger serverSerial(SSLContext ssl) throws IOException {
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1",
                SERVER.server().tlsPort())) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} until {@code done} holds, for at most 10 seconds (the server checks every 100 ms). */
    private static <T> T await(Probe<T> probe, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = probe.get();
        }
        return value;
    }

    /** Returns the SPIFFE ID of the access log line of {@code requestId}, waiting for the line to be written. */
    private static String accessLogSpiffeId(String requestId) throws Exception {
        return await(() -> ACCESS_LOG.stream().flatMap(r -> r.getParameters() == null ? Stream.empty()
                                : Stream.of(r.getParameters()))
                        .filter(p -> p instanceof LogFields f && f.access() != null && requestId.equals(f.requestId()))
                        .map(p -> ((LogFields) p).access().spiffeId()).findFirst().orElse(null),
                id -> id != null);
    }
}

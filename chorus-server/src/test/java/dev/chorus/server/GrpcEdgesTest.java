package dev.chorus.server;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.ByteString;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.reflection.v1alpha.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The standard gRPC services a gRPC client or probe expects, called with grpc-java's own clients: health
 * ({@code grpc.health.v1.Health}: Check for the server and for TextToSpeech, and Watch through a shutdown),
 * reflection in both {@code v1alpha} and {@code v1} (list services, the file containing a symbol, with the
 * {@code google/api} files it imports), and those proto files published in the jar.
 */
@Timeout(60)
class GrpcEdgesTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 1).defaultVoice("paced:tone"), s -> s, c -> c.warmUp(false));

    private static ServingStatus check(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    @Test
    void healthCheckFollowsReadinessForTheServerAndEachService() {
        assertThat(check(SERVER.channel(), "")).isEqualTo(ServingStatus.SERVING);
        assertThat(check(SERVER.channel(), TextToSpeechGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> check(SERVER.channel(), "no.such.Service"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void healthWatchSeesServingThenNotServingOnShutdown() throws Exception {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new PacedEngineProvider()))
                .workers("paced", 1).defaultVoice("paced:tone").build();
        try (Synthesizer synth = Synthesizer.builder().registry(registry).build()) {
            ChorusServer server = ChorusServer.create(synth, ServerConfig.builder().port(0).warmUp(false)
                    .shutdownQuietPeriod(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(3)).build()).start();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .build();
            try {
                BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
                HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder()
                        .setService(TextToSpeechGrpc.SERVICE_NAME).build(), new StreamObserver<>() {
                            @Override
                            public void onNext(HealthCheckResponse r) {
                                seen.add(r.getStatus());
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                awaitStatus(seen, ServingStatus.SERVING);
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
                awaitStatus(seen, ServingStatus.NOT_SERVING);
                stopping.get(30, TimeUnit.SECONDS);
            } finally {
                channel.shutdownNow();
                server.stop();
            }
        }
    }

    private static void awaitStatus(BlockingQueue<ServingStatus> seen, ServingStatus wanted) throws Exception {
        List<ServingStatus> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            ServingStatus s = seen.poll(1, TimeUnit.SECONDS);
            if (s != null) {
                got.add(s);
                if (s == wanted) {
                    return;
                }
            }
        }
        throw new AssertionError("Watch never reported " + wanted + "; saw " + got);
    }

    /** Sends one v1alpha reflection request and returns the single response. */
    private static ServerReflectionResponse reflectV1alpha(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(SERVER.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        answer.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        out.onNext(request);
        out.onCompleted();
        return answer.get(15, TimeUnit.SECONDS);
    }

    @Test
    void reflectionV1alphaListsServicesAndGivesTheFileWithItsImports() throws Exception {
        ServerReflectionResponse list = reflectV1alpha(ServerReflectionRequest.newBuilder().setListServices("")
                .build());
        assertThat(list.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .contains(TextToSpeechGrpc.SERVICE_NAME);

        ServerReflectionResponse file = reflectV1alpha(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol(TextToSpeechGrpc.SERVICE_NAME).build());
        List<FileDescriptorProto> files = new ArrayList<>();
        for (ByteString b : file.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            files.add(FileDescriptorProto.parseFrom(b));
        }
        assertThat(files).extracting(FileDescriptorProto::getName)
                .contains("chorus/tts/v1/tts.proto", "google/api/annotations.proto", "google/api/http.proto");
        FileDescriptorProto tts = files.stream().filter(f -> f.getName().equals("chorus/tts/v1/tts.proto"))
                .findFirst().orElseThrow();
        assertThat(tts.getServiceList()).extracting(s -> s.getName()).contains("TextToSpeech");
    }

    @Test
    void reflectionV1ListsServicesToo() throws Exception {
        CompletableFuture<io.grpc.reflection.v1.ServerReflectionResponse> answer = new CompletableFuture<>();
        var out = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(SERVER.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
                        answer.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        out.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
        out.onCompleted();
        assertThat(answer.get(15, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
                .extracting(io.grpc.reflection.v1.ServiceResponse::getName).contains(TextToSpeechGrpc.SERVICE_NAME);
    }

    @Test
    void theJarPublishesTtsProtoWithTheGoogleApiFilesItImports() throws Exception {
        URL tts = ChorusServer.class.getClassLoader().getResource("chorus/tts/v1/tts.proto");
        assertThat(tts).isNotNull();
        Path ownRoot = Path.of(tts.toURI()).getParent().getParent().getParent().getParent();
        for (String name : List.of("google/api/annotations.proto", "google/api/http.proto")) {
            List<URL> all = Collections.list(ChorusServer.class.getClassLoader().getResources(name));
            assertThat(all).as(name + " beside tts.proto").anySatisfy(u ->
                    assertThat(Path.of(u.toURI())).isEqualTo(ownRoot.resolve(name)));
        }
    }
}

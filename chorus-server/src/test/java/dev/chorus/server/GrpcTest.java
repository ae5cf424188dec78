package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.ListVoicesRequest;
import dev.chorus.proto.tts.v1.ListVoicesResponse;
import dev.chorus.proto.tts.v1.StreamingSynthesizeResponse;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.SynthesizeResponse;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.proto.tts.v1.TimingEvent;
import dev.chorus.proto.tts.v1.Voice;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code chorus.tts.v1.TextToSpeech} through grpc-java, its HTTP/JSON transcoding, and server reflection. */
class GrpcTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    private static TextToSpeechGrpc.TextToSpeechBlockingStub stub() {
        return TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void unarySynthesizeReturnsACompleteWav() throws Exception {
        SERVER.assumeEspeak();
        SynthesizeResponse r = stub().synthesize(SynthesizeRequest.newBuilder()
                .setText("The quick brown fox jumps over the lazy dog.").setVoice("espeak:en-gb")
                .setFormat(AudioFormat.AUDIO_FORMAT_WAV).setSampleRate(24_000).build());

        assertThat(r.getVoice()).isEqualTo("espeak:en-gb");
        assertThat(r.getSampleRate()).isEqualTo(24_000);
        byte[] bytes = r.getAudio().toByteArray();
        // A unary WAV carries its real lengths, not the streaming placeholder.
        assertThat(bytes[4] & 0xff | (bytes[5] & 0xff) << 8).isNotEqualTo(0xffff);
        Wav wav = WavFiles.read(bytes);
        assertThat(wav.sampleRate()).isEqualTo(24_000);
        assertThat(wav.seconds()).isCloseTo(r.getDurationSeconds(), org.assertj.core.api.Assertions.within(0.01));
        assertThat(wav.seconds()).isBetween(1.5, 6.0);
        assertThat(Http.rms(wav.samples())).isGreaterThan(300);
    }

    @Test
    void streamingSendsStartAudioInOrderTimingsAndEnd() throws Exception {
        // The default (MaryTTS) voice: slow enough that a paragraph takes clearly longer than its first sentence.
        String text = "First sentence of the stream. " + "Then more words follow in their order. ".repeat(6);
        long t0 = System.nanoTime();
        Iterator<StreamingSynthesizeResponse> it = stub().streamingSynthesize(SynthesizeRequest.newBuilder()
                .setText(text).setFormat(AudioFormat.AUDIO_FORMAT_PCM).setWordTimings(true).build());
        List<StreamingSynthesizeResponse> messages = new ArrayList<>();
        long firstAudio = -1;
        long lastAudio = -1;
        while (it.hasNext()) {
            StreamingSynthesizeResponse m = it.next();
            if (m.hasAudio()) {
                lastAudio = System.nanoTime() - t0;
                firstAudio = firstAudio < 0 ? lastAudio : firstAudio;
            }
            messages.add(m);
        }

        assertThat(messages.getFirst().hasStart()).isTrue();
        assertThat(messages.getFirst().getStart().getVoice()).isEqualTo("hmm:cmu-slt-hsmm");
        assertThat(messages.getFirst().getStart().getSampleRate()).isEqualTo(48_000);
        assertThat(messages.getLast().hasEnd()).isTrue();
        long expected = 0;
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        List<TimingEvent> timings = new ArrayList<>();
        for (StreamingSynthesizeResponse m : messages) {
            if (m.hasAudio()) {
                assertThat(m.getAudio().getSampleOffset()).isEqualTo(expected);
                expected += m.getAudio().getData().size() / 2;
                pcm.writeBytes(m.getAudio().getData().toByteArray());
            } else if (m.hasTiming()) {
                timings.add(m.getTiming());
            }
        }
        assertThat(messages.getLast().getEnd().getSamples()).isEqualTo(expected);
        assertThat(timings).anyMatch(t -> t.getKind() == TimingEvent.Kind.KIND_SENTENCE);
        assertThat(timings).filteredOn(t -> t.getKind() == TimingEvent.Kind.KIND_WORD).hasSizeGreaterThan(30);
        assertThat(timings).extracting(TimingEvent::getSampleOffset).isSorted();
        assertThat(firstAudio).as("first chunk at %d ms, last at %d ms", firstAudio / 1_000_000,
                lastAudio / 1_000_000).isLessThan(lastAudio / 3);
        assertThat(pcm.size() / 2 / 48_000.0).isBetween(8.0, 30.0);
    }

    @Test
    void cancellingAStreamStopsTheSynthesis() throws Exception {
        SERVER.assumeEspeak();
        CompletableFuture<Void> gotAudio = new CompletableFuture<>();
        CompletableFuture<Status> ended = new CompletableFuture<>();
        var call = TextToSpeechGrpc.newStub(SERVER.channel());
        io.grpc.Context.CancellableContext ctx = io.grpc.Context.current().withCancellation();
        ctx.run(() -> call.streamingSynthesize(SynthesizeRequest.newBuilder()
                .setText("A long text to speak. ".repeat(180)).setVoice("espeak:en-us").build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(StreamingSynthesizeResponse m) {
                        if (m.hasAudio()) {
                            gotAudio.complete(null);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        ended.complete(Status.OK);
                    }
                }));
        gotAudio.get(30, TimeUnit.SECONDS);
        ctx.cancel(null);
        assertThat(ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The request's slot is freed at once; its running chunks end at their next piece of audio.
        while ((SERVER.synthesizer().scheduler().pendingRequests("espeak") > 0
                || SERVER.synthesizer().scheduler().inFlight() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(SERVER.synthesizer().scheduler().pendingRequests("espeak")).isZero();
        assertThat(SERVER.synthesizer().scheduler().inFlight()).isZero();
    }

    @Test
    void listVoicesFilters() {
        ListVoicesResponse r = stub().listVoices(ListVoicesRequest.newBuilder().setEngine("hmm").build());
        assertThat(r.getVoicesList()).extracting(Voice::getId).containsExactly("hmm:cmu-slt-hsmm");
        assertThat(r.getVoices(0).getAliasesList()).contains("alloy");
        assertThat(r.getVoices(0).getSampleRate()).isEqualTo(48_000);
    }

    @Test
    void errorsMapToGrpcStatuses() {
        assertThatThrownBy(() -> stub().synthesize(SynthesizeRequest.newBuilder().setText("Hi.").setSpeed(9).build()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("speed: 9.0");
        assertThatThrownBy(() -> stub().synthesize(SynthesizeRequest.newBuilder().setText("Hi.")
                .setVoice("nope:none").build()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("NOT_FOUND");
        assertThatThrownBy(() -> stub().synthesize(SynthesizeRequest.newBuilder().setText("x".repeat(4097)).build()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("at most 4096");
        assertThatThrownBy(() -> stub().synthesize(SynthesizeRequest.newBuilder().setText(" ").build()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT");
    }

    @Test
    void unaryMethodsAreReachableAsHttpJson() throws Exception {
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/tts/synthesize", """
                {"text":"Hello there.","voice":"alloy","format":"AUDIO_FORMAT_WAV","sample_rate":16000}""");
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.get("sample_rate").asInt()).isEqualTo(16_000);
        assertThat(body.get("voice").asText()).isEqualTo("hmm:cmu-slt-hsmm");
        Wav wav = WavFiles.read(Base64.getDecoder().decode(body.get("audio").asText()));
        assertThat(wav.sampleRate()).isEqualTo(16_000);
        assertThat(wav.seconds()).isBetween(0.5, 4.0);

        JsonNode voices = Http.json(Http.get(SERVER, "/v1/tts/voices?engine=hmm"));
        assertThat(voices.at("/voices/0/id").asText()).isEqualTo("hmm:cmu-slt-hsmm");
        assertThat(voices.at("/voices/0/display_name").isTextual()).isTrue();

        HttpResponse<byte[]> bad = Http.post(SERVER, "/v1/tts/synthesize", "{\"text\":\"Hi.\",\"speed\":9}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new String(bad.body())).contains("speed");
    }

    @Test
    void reflectionListsTheService() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(SERVER.channel())
                .serverReflectionInfo(new StreamObserver<>() {
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
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> services = answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(s -> s.getName()).toList();
        requests.onCompleted();
        assertThat(services).contains("chorus.tts.v1.TextToSpeech");
    }
}

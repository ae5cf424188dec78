package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.server.WyomingClient.Event;
import dev.chorus.server.wyoming.WyomingConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Wyoming front end against a real server on an ephemeral port, spoken to by a client written from the
 * protocol, the way Home Assistant's Wyoming integration uses it: describe, one-shot and streamed synthesis, ping,
 * both header forms, bad input, the limits, and audio equal to what the OpenAI route makes for the same text.
 */
@Timeout(60)
class WyomingTest {

    /** Samples the counting engine makes per word (50 ms at 16 kHz). */
    private static final int WORD = CountingEngineProvider.WORD_SAMPLES;

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(
            List.of(new CountingEngineProvider(), new PacedEngineProvider()),
            r -> r.workers("counting", 2).workers("paced", 2).defaultVoice("counting:tone"), s -> s,
            c -> c.warmUp(false).maxInputChars(300).cache(true).wyoming(WyomingConfig.builder().port(0).zeroconf(false)
                    .maxConnections(3).build()));

    /**
     * Waits until the connections of the tests before have been released by the server (a client's close reaches
     * it a moment later), so that each test has the whole wyoming.max-connections to itself.
     */
    @BeforeEach
    void earlierConnectionsAreGone() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (SERVER.server().wyomingConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(SERVER.server().wyomingConnections()).as("connections left open by earlier tests").isZero();
    }

    private static WyomingClient client() throws Exception {
        return new WyomingClient(SERVER.server().wyomingPort());
    }

    @Test
    void describeListsTheProgramAndEveryInstalledVoice() throws Exception {
        try (WyomingClient c = client()) {
            c.send("describe", null);
            Event info = c.read();
            assertThat(info.type()).isEqualTo("info");
            JsonNode tts = info.data().get("tts");
            assertThat(tts).hasSize(1);
            JsonNode program = tts.get(0);
            assertThat(program.get("name").asText()).isEqualTo("chorus");
            assertThat(program.get("installed").asBoolean()).isTrue();
            assertThat(program.get("supports_synthesize_streaming").asBoolean()).isTrue();
            assertThat(program.has("version") && program.has("description") && program.has("attribution")).isTrue();
            List<String> names = new ArrayList<>();
            for (JsonNode v : program.get("voices")) {
                names.add(v.get("name").asText());
                assertThat(v.get("installed").asBoolean()).isTrue();
                assertThat(v.get("languages")).extracting(JsonNode::asText).containsExactly("en-US");
                assertThat(v.get("attribution").has("name")).isTrue();
                assertThat(v.has("version") && v.has("description") && v.has("speakers")).isTrue();
            }
            assertThat(names).containsExactlyInAnyOrder("counting:tone", "paced:tone");
            assertThat(info.data().get("asr")).isEmpty();
        }
    }

    @Test
    void synthesizeSendsAudioStartChunksAndStop() throws Exception {
        try (WyomingClient c = client()) {
            c.send("synthesize", "{\"text\":\"Hello there. How are you today?\",\"voice\":{\"name\":\"counting:tone\"}}");
            List<Event> events = c.readUntil("audio-stop");
            assertThat(events.getFirst().type()).isEqualTo("audio-start");
            assertThat(events.getLast().type()).isEqualTo("audio-stop");
            JsonNode start = events.getFirst().data();
            assertThat(start.get("rate").asInt()).isEqualTo(16_000);
            assertThat(start.get("width").asInt()).isEqualTo(2);
            assertThat(start.get("channels").asInt()).isEqualTo(1);
            List<Event> chunks = events.subList(1, events.size() - 1);
            assertThat(chunks).isNotEmpty().allSatisfy(e -> {
                assertThat(e.type()).isEqualTo("audio-chunk");
                assertThat(e.data().get("rate").asInt()).isEqualTo(16_000);
                assertThat(e.data().get("width").asInt()).isEqualTo(2);
                assertThat(e.data().get("channels").asInt()).isEqualTo(1);
                assertThat(e.payload().length).isEven().isBetween(2, 2048);
            });
            // Timestamps are the chunks' positions in the audio, in milliseconds.
            long samplesBefore = 0;
            for (Event chunk : chunks) {
                assertThat(chunk.data().get("timestamp").asLong()).isEqualTo(samplesBefore * 1000 / 16_000);
                samplesBefore += chunk.payload().length / 2;
            }
            byte[] pcm = WyomingClient.pcm(events);
            assertThat(pcm.length).isEqualTo(6 * WORD * 2);
            assertThat(SignalMeasures.rms(samples(pcm))).isGreaterThan(1000);
            // The connection stays open for the next request, as Home Assistant may reuse it.
            c.send("ping", "{\"text\":\"again\"}");
            assertThat(c.read().type()).isEqualTo("pong");
        }
    }

    @Test
    void streamedTextIsSpokenSentenceBySentenceAsSentencesComplete() throws Exception {
        try (WyomingClient c = client()) {
            c.send("synthesize-start", "{\"voice\":{\"name\":\"counting:tone\",\"language\":\"en_US\"}}");
            c.send("synthesize-chunk", "{\"text\":\"Hello the\"}");
            c.send("synthesize-chunk", "{\"text\":\"re. How are\"}");
            // The first sentence is complete once the second has begun: its audio comes before any more text.
            List<Event> first = c.readUntil("audio-stop");
            assertThat(first.getFirst().type()).isEqualTo("audio-start");
            assertThat(WyomingClient.pcm(first)).hasSize(2 * WORD * 2);
            c.send("synthesize-chunk", "{\"text\":\" you? Fine, \"}");
            c.send("synthesize-chunk", "{\"text\":\"thanks\"}");
            // Home Assistant also sends the whole text for servers that do not stream: it must not be spoken again.
            c.send("synthesize", "{\"text\":\"Hello there. How are you? Fine, thanks\"}");
            c.send("synthesize-stop", null);
            List<Event> rest = new ArrayList<>();
            Event e;
            do {
                e = c.read();
                rest.add(e);
            } while (!e.type().equals("synthesize-stopped") && !e.type().equals("error"));
            assertThat(rest.getLast().type()).isEqualTo("synthesize-stopped");
            List<Integer> sentenceSamples = new ArrayList<>();
            List<Event> current = new ArrayList<>();
            for (Event x : rest) {
                current.add(x);
                if (x.type().equals("audio-stop")) {
                    assertThat(current.getFirst().type()).isEqualTo("audio-start");
                    sentenceSamples.add(WyomingClient.pcm(current).length / 2);
                    current.clear();
                }
            }
            assertThat(current).extracting(Event::type).containsExactly("synthesize-stopped");
            assertThat(sentenceSamples).containsExactly(3 * WORD, 2 * WORD);
        }
    }

    @Test
    void bothHeaderFormsGiveTheSameAudio() throws Exception {
        try (WyomingClient c = client()) {
            String data = "{\"text\":\"Both forms, one voice.\",\"voice\":{\"name\":\"counting:tone\"}}";
            c.send("synthesize", data);
            byte[] section = WyomingClient.pcm(c.readUntil("audio-stop"));
            c.sendInline("synthesize", data);
            byte[] inline = WyomingClient.pcm(c.readUntil("audio-stop"));
            // Inline data and a data section together: the section's fields win.
            byte[] more = "{\"text\":\"Both forms, one voice.\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            c.raw("{\"type\":\"synthesize\",\"data\":{\"text\":\"Other words entirely\",\"voice\":{\"name\":"
                    + "\"counting:tone\"}},\"data_length\":" + more.length + "}\n");
            c.raw(more);
            byte[] merged = WyomingClient.pcm(c.readUntil("audio-stop"));
            assertThat(section).hasSize(4 * WORD * 2);
            assertThat(inline).isEqualTo(section);
            assertThat(merged).isEqualTo(section);
        }
    }

    @Test
    void audioEqualsTheOpenAiRoutesPcmForTheSameTextAndVoice() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog. Then it sleeps.";
        byte[] wav;
        try (WyomingClient c = client()) {
            c.send("synthesize", "{\"text\":" + Http.quote(text) + ",\"voice\":{\"name\":\"counting:tone\"}}");
            List<Event> events = c.readUntil("audio-stop");
            wav = wav(events.getFirst().data().get("rate").asInt(), WyomingClient.pcm(events));
        }
        HttpResponse<byte[]> http = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json").header("Cache-Control", "no-store")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(text)
                        + ",\"voice\":\"counting:tone\",\"response_format\":\"pcm\",\"sample_rate\":16000}"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(http.statusCode()).isEqualTo(200);
        try (AudioInputStream decoded = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat f = decoded.getFormat();
            assertThat(f.getSampleRate()).isEqualTo(16_000f);
            assertThat(f.getChannels()).isEqualTo(1);
            assertThat(f.getSampleSizeInBits()).isEqualTo(16);
            short[] fromWyoming = samples(decoded.readAllBytes());
            short[] fromHttp = samples(http.body());
            assertThat(fromWyoming.length).isEqualTo(12 * WORD);
            assertThat(Arrays.equals(fromWyoming, fromHttp)).as("sample for sample").isTrue();
        }
    }

    @Test
    void synthesesAreCountedInTheServersMetrics() throws Exception {
        try (WyomingClient c = client()) {
            c.send("synthesize", "{\"text\":\"Counted once.\",\"voice\":{\"name\":\"counting:tone\"}}");
            c.readUntil("audio-stop");
            c.send("synthesize", "{\"text\":\"Refused.\",\"voice\":{\"name\":\"nobody:here\"}}");
            assertThat(c.read().type()).isEqualTo("error");
        }
        String metrics = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<String> wyoming = metrics.lines().filter(l -> l.startsWith("chorus_requests_total{")
                && l.contains("route=\"wyoming/synthesize\"")).toList();
        assertThat(wyoming).anySatisfy(l -> assertThat(l).contains("outcome=\"ok\"", "voice=\"counting:tone\"",
                "format=\"pcm\""));
        assertThat(wyoming).anySatisfy(l -> assertThat(l).contains("outcome=\"not_found\""));
    }

    @Test
    void aRepeatedTextIsReplayedFromTheCacheWithTheSameEvents() throws Exception {
        try (WyomingClient c = client()) {
            String request = "{\"text\":\"Say it again, please.\",\"voice\":{\"name\":\"counting:tone\"}}";
            c.send("synthesize", request);
            List<Event> first = c.readUntil("audio-stop");
            int calls = CountingEngineProvider.calls("Say it again, please.");
            c.send("synthesize", request);
            List<Event> again = c.readUntil("audio-stop");
            assertThat(CountingEngineProvider.calls("Say it again, please.")).as("no second synthesis").isEqualTo(calls);
            assertThat(again.getFirst().data()).isEqualTo(first.getFirst().data());
            assertThat(WyomingClient.pcm(again)).isEqualTo(WyomingClient.pcm(first)).hasSize(4 * WORD * 2);
        }
    }

    @Test
    void aClientThatLeavesStopsItsSynthesis() throws Exception {
        PacedEngineProvider.reset();
        String text = "One two three four five six seven eight. ".repeat(6).strip();
        try (WyomingClient c = client()) {
            c.send("synthesize", "{\"text\":" + Http.quote(text) + ",\"voice\":{\"name\":\"paced:tone\"}}");
            assertThat(c.read().type()).isEqualTo("audio-start");
            assertThat(c.read().type()).isEqualTo("audio-chunk");
        }
        // Each sentence takes 200 ms; the engine must stop long before the sixth, and leave nothing running.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (PacedEngineProvider.STOPPED.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertThat(PacedEngineProvider.STOPPED.get()).as("sentences stopped").isPositive();
        assertThat(PacedEngineProvider.STARTED.get()).as("sentences started").isLessThan(6)
                .isEqualTo(PacedEngineProvider.FINISHED.get() + PacedEngineProvider.STOPPED.get());
    }

    @Test
    void pingGetsPong() throws Exception {
        try (WyomingClient c = client()) {
            c.send("ping", "{\"text\":\"are you there\"}");
            Event pong = c.read();
            assertThat(pong.type()).isEqualTo("pong");
            assertThat(pong.data().get("text").asText()).isEqualTo("are you there");
            c.send("ping", null);
            assertThat(c.read().type()).isEqualTo("pong");
        }
    }

    @Test
    void badRequestsGetAnErrorEventAndTheConnectionStaysOpen() throws Exception {
        try (WyomingClient c = client()) {
            c.send("synthesize", "{\"text\":\"Hello.\",\"voice\":{\"name\":\"nobody:here\"}}");
            Event unknown = c.read();
            assertThat(unknown.type()).isEqualTo("error");
            assertThat(unknown.data().get("code").asText()).isEqualTo("voice_not_found");
            assertThat(unknown.data().get("text").asText()).contains("nobody:here");

            c.send("synthesize", "{\"text\":\"   \"}");
            Event empty = c.read();
            assertThat(empty.type()).isEqualTo("error");
            assertThat(empty.data().get("code").asText()).isEqualTo("invalid_input");

            c.send("synthesize", "{\"text\":" + Http.quote("word ".repeat(100)) + "}");
            Event tooLong = c.read();
            assertThat(tooLong.type()).isEqualTo("error");
            assertThat(tooLong.data().get("text").asText()).contains("300");

            c.send("synthesize-start", "{\"voice\":{\"name\":\"nobody:here\"}}");
            c.send("synthesize-chunk", "{\"text\":\"Dropped. Quite dropped. \"}");
            c.send("synthesize-stop", null);
            Event refusedStream = c.read();
            assertThat(refusedStream.type()).isEqualTo("error");
            assertThat(refusedStream.data().get("code").asText()).isEqualTo("voice_not_found");

            // Events of other services are ignored, as the protocol asks; the connection goes on.
            c.send("audio-start", "{\"rate\":16000,\"width\":2,\"channels\":1}");
            c.send("run-pipeline", "{\"start_stage\":\"wake\"}");
            c.send("ping", null);
            assertThat(c.read().type()).as("the refused stream sent nothing more; ignored events nothing")
                    .isEqualTo("pong");
        }
    }

    @Test
    void brokenFramesGetAnErrorEventAndTheConnectionIsClosed() throws Exception {
        try (WyomingClient c = client()) {
            c.raw("{\"type\": \"describe\", oops}\n");
            Event e = c.read();
            assertThat(e.type()).isEqualTo("error");
            assertThat(e.data().get("code").asText()).isEqualTo("invalid_json");
            assertThat(c.closedByServer()).isTrue();
        }
        try (WyomingClient c = client()) {
            c.raw("{\"type\":\"describe\",\"pad\":\"" + "x".repeat(70_000) + "\"}\n");
            Event e = c.read();
            assertThat(e.data().get("code").asText()).isEqualTo("header_too_large");
            assertThat(e.data().get("text").asText()).contains("65536");
            assertThat(c.closedByServer()).isTrue();
        }
        try (WyomingClient c = client()) {
            c.raw("{\"type\":\"audio-chunk\",\"payload_length\":" + (2 << 20) + "}\n");
            Event e = c.read();
            assertThat(e.data().get("code").asText()).isEqualTo("payload_too_large");
            assertThat(c.closedByServer()).isTrue();
        }
        try (WyomingClient c = client()) {
            c.raw("{\"data\":{\"text\":\"no type\"}}\n");
            assertThat(c.read().data().get("code").asText()).isEqualTo("invalid_event");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionsPastTheLimitAreRefusedWithAnError() throws Exception {
        List<WyomingClient> open = new ArrayList<>();
        try {
            // Connections of earlier tests may still hold their slots for a moment: retry until three are served.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (open.size() < 3 && System.nanoTime() < deadline) {
                WyomingClient c = client();
                c.send("ping", null);
                if (c.read().type().equals("pong")) {
                    open.add(c);
                } else {
                    c.close();
                    Thread.sleep(50);
                }
            }
            assertThat(open).hasSize(3);
            try (WyomingClient extra = client()) {
                Event e = extra.read();
                assertThat(e.type()).isEqualTo("error");
                assertThat(e.data().get("code").asText()).isEqualTo("too_many_connections");
                assertThat(extra.closedByServer()).isTrue();
            }
            // The open ones are still served.
            open.getFirst().send("ping", null);
            assertThat(open.getFirst().read().type()).isEqualTo("pong");
        } finally {
            for (WyomingClient c : open) {
                c.close();
            }
        }
    }

    /** Returns a WAV file of mono 16-bit PCM. */
    static byte[] wav(int rate, byte[] pcm) {
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt(36 + pcm.length).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes()).putInt(pcm.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(pcm);
        return out.toByteArray();
    }

    static short[] samples(byte[] pcm) {
        short[] s = new short[pcm.length / 2];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }
}

package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.engine.espeak.EspeakEngineProvider;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.StreamingSynthesizeResponse;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.proto.tts.v1.TimingEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * SSML, normalization, lexicons and timings through a real server with eSpeak NG voices: the OpenAI route (audio,
 * {@code json_marks}, SSE timings, errors) and gRPC {@code StreamingSynthesize}.
 */
class TextFeaturesTest {

    /** eSpeak, with the paced test engine beside it so the server starts even where eSpeak cannot run. */
    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(
            List.of(new EspeakEngineProvider(), new PacedEngineProvider()),
            r -> r.workers("espeak", 2).workers("paced", 1).defaultVoice("espeak:en-us"), s -> s,
            c -> c.warmUp(false));

    private static final String SPEECH = "/v1/audio/speech";

    /** Returns a request body for {@code input} on {@code espeak:en-us}, with {@code fields} set on it. */
    private static String body(String input, Consumer<ObjectNode> fields) {
        ObjectNode b = Http.JSON.createObjectNode();
        b.put("model", "tts-1");
        b.put("input", input);
        b.put("voice", "espeak:en-us");
        b.put("response_format", "wav");
        fields.accept(b);
        return b.toString();
    }

    private static HttpResponse<byte[]> speech(String input, Consumer<ObjectNode> fields) throws Exception {
        return Http.post(SERVER, SPEECH, body(input, fields));
    }

    /** Posts a {@code json_marks} request and returns its lines, checking the status and content type. */
    private static List<JsonNode> marks(String input, Consumer<ObjectNode> fields) throws Exception {
        HttpResponse<byte[]> r = speech(input, b -> {
            b.put("response_format", "json_marks");
            fields.accept(b);
        });
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/x-json-stream");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                lines.add(Http.JSON.readTree(line));
            }
        }
        return lines;
    }

    private static List<JsonNode> ofType(List<JsonNode> marks, String type) {
        return marks.stream().filter(m -> m.get("type").asText().equals(type)).toList();
    }

    private static List<String> values(List<JsonNode> marks, String type) {
        return ofType(marks, type).stream().map(m -> m.get("value").asText()).toList();
    }

    private static String slice(String input, JsonNode mark) {
        return input.substring(mark.get("start").asInt(), mark.get("end").asInt());
    }

    /** Checks that each type's times never go back. */
    private static void assertTimesOrderedPerType(List<JsonNode> marks) {
        Map<String, Long> last = new HashMap<>();
        for (JsonNode m : marks) {
            long time = m.get("time").asLong();
            assertThat(time).as("%s", m).isGreaterThanOrEqualTo(last.getOrDefault(m.get("type").asText(), 0L));
            last.put(m.get("type").asText(), time);
        }
    }

    private static Wav assertSpeech(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/wav");
        Wav wav = WavFiles.read(r.body());
        assertThat(wav.seconds()).isGreaterThan(0.5);
        assertThat(Http.rms(wav.samples())).isGreaterThan(300);
        return wav;
    }

    private static JsonNode error(HttpResponse<byte[]> r, int status) throws IOException {
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        return e;
    }

    @Test
    void ssmlLanguagePicksTheVoiceWhenTheRequestNamesNone() throws Exception {
        SERVER.assumeEspeak();
        HttpResponse<byte[]> german = Http.post(SERVER, SPEECH, """
                {"input":"<speak xml:lang=\\"de\\">Guten Tag.</speak>","response_format":"wav"}""");
        assertThat(german.statusCode()).as(new String(german.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(german.headers().firstValue("x-chorus-voice").orElseThrow()).startsWith("espeak:de");
        // A voice in the request wins over the document's language.
        HttpResponse<byte[]> named = Http.post(SERVER, SPEECH, """
                {"input":"<speak xml:lang=\\"de\\">Guten Tag.</speak>","voice":"espeak:en-us"}""");
        assertThat(named.headers().firstValue("x-chorus-voice")).hasValue("espeak:en-us");
    }

    @Test
    void ssmlIsSpokenWhenDetectedAndWhenDeclared() throws Exception {
        SERVER.assumeEspeak();
        String ssml = "<speak>Hello <break time=\"300ms\"/><prosody rate=\"slow\">from Chorus.</prosody></speak>";
        Wav detected = assertSpeech(speech(ssml, b -> { }));
        Wav declared = assertSpeech(speech(ssml, b -> b.put("input_format", "ssml")));
        assertThat(declared.samples()).isEqualTo(detected.samples());

        // Declared SSML must be SSML.
        JsonNode e = error(speech("Hello there.", b -> b.put("input_format", "ssml")), 400);
        assertThat(e.get("param").asText()).isEqualTo("input");
        assertThat(e.get("message").asText()).startsWith("SSML line 1, column ");
    }

    @Test
    void plainTextFormatReadsMarkupLiterally() throws Exception {
        SERVER.assumeEspeak();
        String input = "<speak>Hello</speak>";
        List<JsonNode> literal = marks(input, b -> b.put("input_format", "text"));
        assertThat(values(literal, "word")).contains("speak", "Hello");
        assertThat(values(marks(input, b -> { }), "word")).containsExactly("Hello");
    }

    @Test
    void invalidSsmlIsA400NamingLineAndColumn() throws Exception {
        SERVER.assumeEspeak();
        JsonNode e = error(speech("<speak>\n  Hello <break time=\"20s\"/>\n</speak>", b -> { }), 400);
        assertThat(e.get("code").asText()).isEqualTo("invalid_input");
        assertThat(e.get("param").asText()).isEqualTo("input");
        assertThat(e.get("message").asText()).isEqualTo(
                "SSML line 2, column 9: <break> time \"20s\" exceeds the limit of 10s");

        e = error(speech("<speak>\n<p>Unclosed\n</speak>", b -> { }), 400);
        assertThat(e.get("message").asText()).matches("SSML line 3, column \\d+: .+");

        e = error(speech("<speak><blink>Hi</blink></speak>", b -> { }), 400);
        assertThat(e.get("message").asText()).startsWith("SSML line 1, column 8: <blink> is not a supported SSML"
                + " element");
    }

    @Test
    void documentsWithADtdAreRefusedAndNothingIsFetched() throws Exception {
        SERVER.assumeEspeak();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/";
            for (String doc : List.of(
                    "<?xml version=\"1.0\"?>\n<!DOCTYPE speak SYSTEM \"" + url + "speak.dtd\">\n<speak>Hi</speak>",
                    "<!DOCTYPE speak [<!ENTITY x SYSTEM \"" + url + "entity\">]><speak>&x;</speak>",
                    "<!DOCTYPE speak [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><speak>&lol2;</speak>")) {
                JsonNode e = error(speech(doc, b -> b.put("input_format", "ssml")), 400);
                assertThat(e.get("message").asText()).as(doc).endsWith("DTDs are not allowed")
                        .startsWith("SSML line ");
            }
            // An entity that was never declared is not looked up anywhere either.
            JsonNode e = error(speech("<speak>&x;</speak>", b -> { }), 400);
            assertThat(e.get("message").asText()).startsWith("SSML line 1, column ");
            listener.setSoTimeout(300);
            assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> listener.accept().close());
        }
    }

    @Test
    void audioIsNotFetchedAndComesBackAsAWarningHeader() throws Exception {
        SERVER.assumeEspeak();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String ssml = "<speak>Listen. <audio src=\"http://127.0.0.1:" + listener.getLocalPort()
                    + "/bell.wav\">Ding dong.</audio></speak>";
            HttpResponse<byte[]> r = speech(ssml, b -> { });
            assertSpeech(r);
            assertThat(r.headers().firstValue("x-chorus-warnings")).hasValueSatisfying(w -> assertThat(w)
                    .contains("<audio> at line 1, column 16 is not fetched"));
            listener.setSoTimeout(300);
            assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> listener.accept().close());
        }
        assertThat(speech("Plain text.", b -> { }).headers().firstValue("x-chorus-warnings")).isEmpty();
    }

    @Test
    void speechMarksPointAtTheInput() throws Exception {
        SERVER.assumeEspeak();
        String input = "<speak><s>It costs $5 today.</s><mark name=\"middle\"/><s>Hello world.</s></speak>";
        List<JsonNode> marks = marks(input, b -> { });
        assertThat(marks).allSatisfy(m -> assertThat(m.get("type").asText()).isIn("sentence", "word", "ssml"));
        assertTimesOrderedPerType(marks);

        assertThat(ofType(marks, "sentence")).extracting(m -> slice(input, m))
                .containsExactly("It costs $5 today.", "Hello world.");
        // A word the voice says as written is its own slice of the input; "$5", said as two words, covers "$5".
        assertThat(ofType(marks, "word")).extracting(m -> m.get("value").asText(), m -> slice(input, m))
                .containsExactly(tuple("It", "It"), tuple("costs", "costs"), tuple("five", "$5"),
                        tuple("dollars", "$5"), tuple("today", "today"), tuple("Hello", "Hello"),
                        tuple("world", "world"));
        JsonNode middle = ofType(marks, "ssml").getFirst();
        assertThat(middle.get("value").asText()).isEqualTo("middle");
        assertThat(input.substring(middle.get("start").asInt())).startsWith("<mark name=\"middle\"/>");
        assertThat(middle.get("end").asInt()).isEqualTo(middle.get("start").asInt());
        long today = ofType(marks, "word").get(4).get("time").asLong();
        long hello = ofType(marks, "word").get(5).get("time").asLong();
        assertThat(middle.get("time").asLong()).isGreaterThan(today).isLessThanOrEqualTo(hello);
        assertThat(marks).noneMatch(m -> m.has("estimated"));

        // Plain text: offsets are into the text as sent.
        String text = "Hi there. It is 10:30 now!";
        List<JsonNode> plain = marks(text, b -> { });
        assertTimesOrderedPerType(plain);
        assertThat(ofType(plain, "sentence")).extracting(m -> slice(text, m)).containsExactly("Hi there.",
                "It is 10:30 now!");
        assertThat(ofType(plain, "word")).extracting(m -> slice(text, m))
                .containsExactly("Hi", "there", "It", "is", "10:30", "10:30", "now");
    }

    @Test
    void sseCarriesTimingEventsWhenAsked() throws Exception {
        SERVER.assumeEspeak();
        String input = "<speak>One two. <mark name=\"m\"/>Three four.</speak>";
        HttpResponse<byte[]> r = speech(input, b -> b.put("stream_format", "sse").put("timings", true));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<JsonNode> events = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(Http.JSON.readTree(line.substring(6)));
            }
        }
        List<JsonNode> timings = events.stream().filter(e -> e.get("type").asText().equals("speech.timing")).toList();
        assertThat(timings).extracting(t -> t.get("kind").asText()).containsExactly("sentence", "word", "word",
                "ssml", "sentence", "word", "word");
        assertThat(timings).filteredOn(t -> t.get("kind").asText().equals("word")).extracting(t -> slice(input, t))
                .containsExactly("One", "two", "Three", "four");
        assertThat(timings).filteredOn(t -> t.get("kind").asText().equals("ssml"))
                .extracting(t -> t.get("value").asText()).containsExactly("m");
        assertThat(timings).allSatisfy(t -> assertThat(t.get("time").asLong())
                .isEqualTo(Math.round(t.get("sample_offset").asLong() * 1000.0 / 22_050)));
        assertThat(events.stream().filter(e -> e.get("type").asText().equals("speech.audio.delta"))).isNotEmpty();
        assertThat(events.getLast().get("type").asText()).isEqualTo("speech.audio.done");

        // Without "timings", the stream has audio only.
        HttpResponse<byte[]> quiet = speech(input, b -> b.put("stream_format", "sse"));
        assertThat(new String(quiet.body(), StandardCharsets.UTF_8)).doesNotContain("speech.timing");
    }

    @Test
    void requestLexiconChangesWhatIsSpoken() throws Exception {
        SERVER.assumeEspeak();
        String input = "Deploy on k8s today.";
        List<JsonNode> before = marks(input, b -> { });
        List<JsonNode> after = marks(input, b -> {
            ArrayNode lexicon = b.putArray("lexicon");
            lexicon.addObject().put("grapheme", "k8s").put("alias", "kubernetes");
            lexicon.addObject().put("regex", "(?i)\\btoday\\b").put("alias", "right now");
        });
        assertThat(values(before, "word")).doesNotContain("kubernetes");
        assertThat(ofType(after, "word")).extracting(m -> m.get("value").asText(), m -> slice(input, m))
                .containsExactly(tuple("Deploy", "Deploy"), tuple("on", "on"), tuple("kubernetes", "k8s"),
                        tuple("right", "today"), tuple("now", "today"));
        assertThat(values(after, "sentence")).containsExactly("Deploy on kubernetes right now.");

        JsonNode e = error(speech(input, b -> b.putArray("lexicon").addObject().put("regex", "(k8s")
                .put("alias", "x")), 400);
        assertThat(e.get("param").asText()).isEqualTo("lexicon");
        assertThat(e.get("message").asText()).startsWith("lexicon[0]: regex: \"(k8s\"");
    }

    @Test
    void normalizeFalseLeavesNumbersToTheVoice() throws Exception {
        SERVER.assumeEspeak();
        String input = "It costs $5 at 10:30.";
        List<JsonNode> normalized = marks(input, b -> { });
        List<JsonNode> raw = marks(input, b -> b.put("normalize", false));
        assertThat(values(normalized, "sentence")).containsExactly("It costs five dollars at ten thirty.");
        assertThat(values(normalized, "word")).containsExactly("It", "costs", "five", "dollars", "at", "ten",
                "thirty");
        assertThat(values(raw, "sentence")).containsExactly("It costs $5 at 10:30.");
        assertThat(values(raw, "word")).doesNotContain("five", "dollars", "ten", "thirty");
        // Either way each word points into the input.
        for (List<JsonNode> marks : List.of(normalized, raw)) {
            assertThat(ofType(marks, "word")).allSatisfy(m -> assertThat(m.get("end").asInt())
                    .isBetween(m.get("start").asInt() + 1, input.length()));
        }
    }

    @Test
    void chineseIsReadAsTheNormalizedChineseWords() throws Exception {
        SERVER.assumeEspeak();
        String input = "2026年3月5日，价格是¥12.50。我们走吧！";
        List<JsonNode> marks = marks(input, b -> b.put("voice", "espeak:cmn").put("language", "zh-CN"));
        assertTimesOrderedPerType(marks);
        assertThat(values(marks, "sentence")).containsExactly("二零二六年三月五日,价格是十二元五角。", "我们走吧!");
        assertThat(ofType(marks, "sentence")).extracting(m -> slice(input, m))
                .containsExactly("2026年3月5日，价格是¥12.50。", "我们走吧！");
        // eSpeak reports each character as a word; a written-out number maps to the digits it was read from.
        assertThat(ofType(marks, "word")).extracting(m -> m.get("value").asText(), m -> slice(input, m))
                .startsWith(tuple("二", "2026"), tuple("零", "2026"), tuple("二", "2026"), tuple("六", "2026"),
                        tuple("年", "年"), tuple("三", "3"), tuple("月", "月"), tuple("五", "5"), tuple("日", "日"))
                .contains(tuple("十", "¥12.50"), tuple("元", "¥12.50"), tuple("角", "¥12.50"))
                .endsWith(tuple("我", "我"), tuple("们", "们"), tuple("走", "走"), tuple("吧", "吧"));
    }

    private static TextToSpeechGrpc.TextToSpeechBlockingStub stub() {
        return TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void grpcSpeaksSsmlWithMarkEvents() {
        SERVER.assumeEspeak();
        String ssml = "<speak>First part.<mark name=\"half way\"/> Second part.</speak>";
        Iterator<StreamingSynthesizeResponse> it = stub().streamingSynthesize(SynthesizeRequest.newBuilder()
                .setSsml(ssml).setVoice("espeak:en-us").setFormat(AudioFormat.AUDIO_FORMAT_PCM)
                .setWordTimings(true).build());
        List<TimingEvent> timings = new ArrayList<>();
        long audioBytes = 0;
        StreamingSynthesizeResponse last = null;
        while (it.hasNext()) {
            last = it.next();
            if (last.hasTiming()) {
                timings.add(last.getTiming());
            } else if (last.hasAudio()) {
                audioBytes += last.getAudio().getData().size();
            }
        }
        assertThat(last.hasEnd()).isTrue();
        assertThat(audioBytes / 2).isEqualTo(last.getEnd().getSamples());
        List<TimingEvent> marks = timings.stream().filter(t -> t.getKind() == TimingEvent.Kind.KIND_MARK).toList();
        assertThat(marks).singleElement().satisfies(m -> {
            assertThat(m.getMarkName()).isEqualTo("half way");
            assertThat(ssml.substring(m.getTextOffset())).startsWith("<mark name=\"half way\"/>");
            assertThat(m.getTextLength()).isZero();
        });
        assertThat(timings).filteredOn(t -> t.getKind() == TimingEvent.Kind.KIND_WORD)
                .extracting(t -> ssml.substring(t.getTextOffset(), t.getTextOffset() + t.getTextLength()))
                .containsExactly("First", "part", "Second", "part");
        long markAt = marks.getFirst().getSampleOffset();
        assertThat(timings).filteredOn(t -> t.getKind() == TimingEvent.Kind.KIND_WORD).extracting(
                TimingEvent::getSampleOffset).satisfies(words -> {
                    assertThat(words.get(1)).isLessThan(markAt);
                    assertThat(words.get(2)).isGreaterThanOrEqualTo(markAt);
                });
    }

    @Test
    void grpcRefusesTextAndSsmlTogether() {
        assertThatThrownBy(() -> stub().streamingSynthesize(SynthesizeRequest.newBuilder().setText("Hi.")
                .setSsml("<speak>Hi.</speak>").build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("ssml").contains("text");
                });
    }
}

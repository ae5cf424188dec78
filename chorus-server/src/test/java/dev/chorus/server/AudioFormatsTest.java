package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.proto.tts.v1.AudioFormat;
import dev.chorus.proto.tts.v1.StreamingSynthesizeResponse;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.testing.ExternalProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a listener notices about each audio format the server writes: the bytes decode, with the tools people
 * use, to the same speech as the raw PCM of the same request, at the asked rate and length; streams play their
 * first sentence while the rest is being made; speed, pitch and volume do what they say.
 *
 * <p>Similarity is the normalised cross-correlation of the decoded audio with the PCM reference at the best lag
 * (codecs such as MP3 and AAC prepend a delay). Measured on these sentences: 1.0000 for WAV, PCM and FLAC,
 * 0.9999 for G.711, 0.994-0.999 for MP3, 0.996-0.999 for AAC and 0.948-0.952 for Opus (which keeps the sound,
 * not the waveform). Another sentence from the same voice scores below 0.1.
 */
class AudioFormatsTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    private static final String ESPEAK = "espeak:en-us";
    private static final String HMM = "hmm:cmu-slt-hsmm";
    private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";
    private static final String OTHER_SENTENCE = "Pack my box with five dozen liquor jugs.";
    /** What unrelated speech may score at most; measured below 0.1. */
    private static final double UNRELATED_MAX = 0.3;

    /** PCM references by voice, rate and text: every engine here speaks the same text the same way each time. */
    private static final Map<String, short[]> REFERENCES = new ConcurrentHashMap<>();

    /**
     * One response format: what the response says it is, what ffprobe should read, how ffmpeg is told about
     * headerless input, and how close its decoded audio must come to the PCM reference.
     */
    private record Format(String id, String contentType, String codec, String suffix, double minCorrelation,
                          String rawInput) {

        String[] inputOptions(int rate) {
            return rawInput == null ? new String[0]
                    : new String[] {"-f", rawInput, "-ar", String.valueOf(rate), "-ac", "1"};
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private static final Map<String, Format> FORMATS = Stream.of(
                new Format("wav", "audio/wav", "pcm_s16le", ".wav", 0.999, null),
                new Format("pcm", "audio/pcm", "pcm_s16le", ".pcm", 0.999, "s16le"),
                new Format("flac", "audio/flac", "flac", ".flac", 0.999, null),
                new Format("mp3", "audio/mpeg", "mp3", ".mp3", 0.97, null),
                new Format("aac", "audio/aac", "aac", ".aac", 0.97, null),
                new Format("opus", "audio/ogg", "opus", ".opus", 0.85, null),
                new Format("mulaw", "audio/basic", "pcm_mulaw", ".ulaw", 0.99, "mulaw"),
                new Format("alaw", "audio/x-alaw-basic", "pcm_alaw", ".alaw", 0.99, "alaw"),
                new Format("wav_mulaw", "audio/wav", "pcm_mulaw", ".wav", 0.99, null),
                new Format("wav_alaw", "audio/wav", "pcm_alaw", ".wav", 0.99, null))
            .collect(Collectors.toUnmodifiableMap(Format::id, f -> f));

    static Stream<Arguments> formatMatrix() {
        List<Arguments> cases = new ArrayList<>();
        for (int rate : new int[] {16_000, 24_000}) {
            for (String f : List.of("wav", "pcm", "flac", "mp3", "aac", "opus")) {
                cases.add(Arguments.of(ESPEAK, FORMATS.get(f), rate));
            }
        }
        for (String f : List.of("mulaw", "alaw", "wav_mulaw", "wav_alaw")) {
            cases.add(Arguments.of(ESPEAK, FORMATS.get(f), 8000));
        }
        for (String f : List.of("flac", "mp3", "opus")) {
            cases.add(Arguments.of(HMM, FORMATS.get(f), 48_000));
        }
        return cases.stream();
    }

    private static void assumeEngine(String voice) {
        if (voice.startsWith("espeak:")) {
            SERVER.assumeEspeak();
        }
    }

    private static HttpResponse<byte[]> speech(String voice, String text, String format, int rate, String extra)
            throws Exception {
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", """
                {"input":%s,"voice":"%s","response_format":"%s","sample_rate":%d%s}"""
                .formatted(Http.quote(text), voice, format, rate, extra));
        assertThat(r.statusCode()).as("%s %s at %d Hz: %s", voice, format, rate, new String(r.body()))
                .isEqualTo(200);
        return r;
    }

    /** Returns the raw PCM of {@code text} from {@code voice} at {@code rate}, requested once per class. */
    private static short[] reference(String voice, String text, int rate) throws Exception {
        String key = voice + "|" + rate + "|" + text;
        short[] cached = REFERENCES.get(key);
        if (cached == null) {
            HttpResponse<byte[]> r = speech(voice, text, "pcm", rate, "");
            assertThat(r.headers().firstValue("content-type")).hasValue("audio/pcm");
            cached = AudioTools.samples(r.body());
            REFERENCES.put(key, cached);
        }
        return cached;
    }

    /** Lags to search: codec delays (MP3 about 1105 samples, AAC 1024) and a little on either side. */
    private static SignalMeasures.Match match(short[] reference, short[] decoded, int rate) {
        return SignalMeasures.bestMatch(reference, decoded, -rate / 20, rate / 5);
    }

    @ParameterizedTest(name = "{1} from {0} at {2} Hz")
    @MethodSource("formatMatrix")
    void eachFormatDecodesToTheSameSpeechAsPcm(String voice, Format format, int rate) throws Exception {
        assumeEngine(voice);
        ExternalProgram.require("ffmpeg");
        HttpResponse<byte[]> r = speech(voice, SENTENCE, format.id(), rate, "");
        assertThat(r.headers().firstValue("content-type")).hasValue(format.contentType());
        assertThat(r.headers().firstValue("x-chorus-sample-rate")).hasValue(String.valueOf(rate));
        byte[] bytes = r.body();
        short[] reference = reference(voice, SENTENCE, rate);

        short[] decoded = AudioTools.decodeCleanly(bytes, rate, format.id(), format.inputOptions(rate));
        SignalMeasures.Match m = match(reference, decoded, rate);
        double lengthRatio = (decoded.length - m.lag()) / (double) reference.length;
        double other = match(reference(voice, OTHER_SENTENCE, rate), decoded, rate).correlation();
        assertThat(m.correlation()).as("similarity to the PCM of the same request (lag %d)", m.lag())
                .isGreaterThanOrEqualTo(format.minCorrelation());
        assertThat(m.lag()).as("codec delay in samples").isBetween(-rate / 100, rate / 10);
        assertThat(lengthRatio).as("decoded length after the codec delay over the PCM length").isBetween(0.98, 1.02);
        // The measure must tell other speech apart, or the thresholds above would prove nothing.
        assertThat(other).as("another sentence's PCM").isLessThan(UNRELATED_MAX);

        List<String> probed = AudioTools.probeCodecAndRate(bytes, format.suffix(), format.inputOptions(rate));
        // Opus always decodes at 48 kHz; the rate asked for is kept in its header as the input rate.
        assertThat(probed).containsExactly(format.codec(), format.id().equals("opus") ? "48000" : String.valueOf(rate));

        switch (format.id()) {
            case "opus" -> checkWithOpusTools(bytes, reference, rate);
            case "mp3" -> checkWithMpg123(bytes, rate);
            case "flac" -> checkWithFlac(bytes, reference);
            default -> {
            }
        }
    }

    private static void checkWithOpusTools(byte[] bytes, short[] reference, int rate) throws Exception {
        ExternalProgram.Result info = ExternalProgram.require("opusinfo").runOnFile(bytes, ".opus");
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.all().toLowerCase()).as(info.all()).doesNotContain("warning", "error");
        assertThat(info.all()).contains("Original sample rate: " + rate + " Hz");
        Matcher length = Pattern.compile("Playback length: (\\d+)m:(\\d+\\.\\d+)s").matcher(info.all());
        assertThat(length.find()).as(info.all()).isTrue();
        double seconds = Integer.parseInt(length.group(1)) * 60 + Double.parseDouble(length.group(2));
        assertThat(seconds / (reference.length / (double) rate)).as("opusinfo's playback length over the PCM's")
                .isBetween(0.98, 1.02);

        Path in = Files.createTempFile("chorus-formats", ".opus");
        Path out = Files.createTempFile("chorus-formats", ".wav");
        try {
            Files.write(in, bytes);
            ExternalProgram.Result dec = ExternalProgram.require("opusdec").run(new byte[0], "--quiet", "--rate",
                    String.valueOf(rate), in.toString(), out.toString());
            assertThat(dec.exitCode()).as(dec.all()).isZero();
            Wav wav = WavFiles.read(out);
            assertThat(wav.sampleRate()).isEqualTo(rate);
            SignalMeasures.Match m = match(reference, wav.samples(), rate);
            double ratio = (wav.samples().length - m.lag()) / (double) reference.length;
            assertThat(m.correlation()).as("opusdec's audio against the PCM").isGreaterThanOrEqualTo(0.85);
            assertThat(ratio).as("opusdec's length over the PCM's").isBetween(0.98, 1.02);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    private static void checkWithMpg123(byte[] bytes, int rate) throws Exception {
        ExternalProgram.Result t = ExternalProgram.require("mpg123").runOnFile(bytes, ".mp3", "-t");
        assertThat(t.exitCode()).as(t.all()).isZero();
        assertThat(t.all()).as(t.all()).containsPattern("L III .* " + rate + " mono");
        assertThat(t.all().toLowerCase()).as(t.all()).doesNotContain("error", "warning", "illegal", "problem");
    }

    private static void checkWithFlac(byte[] bytes, short[] reference) throws Exception {
        ExternalProgram.Result t = ExternalProgram.require("flac").runOnFile(bytes, ".flac", "-t", "-s");
        String all = t.all();
        assertThat(t.exitCode()).as(all).isZero();
        // A streamed FLAC cannot know its MD5 up front and leaves it unset, which flac mentions; nothing else.
        String rest = all.replace("WARNING, cannot check MD5 signature since it was unset in the STREAMINFO", "");
        assertThat(rest.toLowerCase()).as(all).doesNotContain("warning", "error");
        ExternalProgram.Result dec = ExternalProgram.require("flac").run(bytes, "-d", "-s", "-c",
                "--force-raw-format", "--endian=little", "--sign=signed", "-");
        assertThat(dec.exitCode()).as(dec.all()).isZero();
        assertThat(AudioTools.samples(dec.stdout())).as("flac's decoding is the PCM, sample for sample")
                .isEqualTo(reference);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Streaming: the first sentence is playable before the rest of the text is made.

    private static final String FIRST = "Here is the first sentence.";
    private static final String PARAGRAPH = FIRST + " The second sentence follows right after it, a little longer."
            + " And the third one brings the whole paragraph to its end.";

    /**
     * Samples at the end of a sentence that a format may hold back after the server's flush at 24000 Hz: Opus
     * its partial 20 ms frame and resampler look-ahead; FLAC its partial block (2048 samples at this rate); MP3
     * LAME's look-ahead (about 1300) and up to two 576-sample frames; AAC about two 1024-sample frames in ffmpeg.
     */
    private static int heldBack(String format) {
        return switch (format) {
            case "wav" -> 0;
            case "opus" -> 960;
            case "flac" -> 2048;
            case "mp3" -> 1300 + 2 * 576;
            case "aac" -> 2 * 1024 + 512;
            default -> throw new IllegalArgumentException(format);
        };
    }

    /**
     * On the MaryTTS voice, which takes a noticeable time per sentence (espeak makes a whole paragraph in a few
     * milliseconds, too fast to tell a stream from a file), reads a three-sentence response as it arrives and finds
     * the first piece of it that decodes to the whole first sentence: it must match the first sentence spoken
     * alone and arrive well before the last byte.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"opus", "mp3", "flac", "aac", "wav"})
    void aStreamCarriesItsFirstSentenceBeforeTheRestIsMade(String id) throws Exception {
        ExternalProgram.require("ffmpeg");
        Format format = FORMATS.get(id);
        int rate = 24_000;
        short[] first = reference(HMM, FIRST, rate);
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"input":%s,"voice":"%s","response_format":"%s","sample_rate":%d}"""
                        .formatted(Http.quote(PARAGRAPH), HMM, id, rate)))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(format.contentType());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    body.write(buf, 0, n);
                    sizes.add(body.size());
                    times.add(System.nanoTime() - t0);
                }
            }
        }
        long total = times.getLast();
        byte[] all = body.toByteArray();

        short[] whole = AudioTools.decodeCleanly(all, rate, "the whole stream", format.inputOptions(rate));
        assertThat(whole.length).as("the whole stream, in samples").isGreaterThan(2 * first.length);

        // The first read after which the bytes so far decode to the first sentence, but for what the format may
        // hold back: start where the stream's average bytes per sample put it, then step to it.
        int need = first.length - heldBack(id);
        double bytesPerSample = all.length / (double) whole.length;
        int piece = 0;
        while (piece < sizes.size() - 1 && sizes.get(piece) < need * bytesPerSample) {
            piece++;
        }
        Coverage c = coverage(Arrays.copyOf(all, sizes.get(piece)), first, format, rate);
        if (c.samples() >= need) {
            while (piece > 0) {
                Coverage before = coverage(Arrays.copyOf(all, sizes.get(piece - 1)), first, format, rate);
                if (before.samples() < need) {
                    break;
                }
                c = before;
                piece--;
            }
        } else {
            while (c.samples() < need && piece < sizes.size() - 1) {
                piece++;
                c = coverage(Arrays.copyOf(all, sizes.get(piece)), first, format, rate);
            }
        }
        assertThat(c.samples()).as("samples of the first sentence in the whole stream").isGreaterThanOrEqualTo(need);
        assertThat(c.match().correlation()).as("the first piece against the first sentence spoken alone")
                .isGreaterThanOrEqualTo(format.minCorrelation());
        assertThat(times.getFirst()).as("time to the first byte, against the last at %d ms", total / 1_000_000)
                .isLessThan(total);
        // Three sentences made one after another, the first the shortest: it is complete after about a quarter
        // of the time (measured 18-30%, and up to 60% for AAC, whose ffmpeg process starts with the request); a
        // server that sent nothing before the end would score 1.
        assertThat(times.get(piece) / (double) total).as("arrival of the whole first sentence over the time of"
                + " the last byte (%d ms)", total / 1_000_000).isLessThan(0.8);
    }

    /** How much of the first sentence a prefix of a stream decodes to. */
    private record Coverage(SignalMeasures.Match match, int samples) {
    }

    private static Coverage coverage(byte[] prefix, short[] first, Format format, int rate) throws Exception {
        // A cut stream may end mid-frame or mid-page; ffmpeg says so and decodes what it can.
        ExternalProgram.Result r = AudioTools.ffmpegDecode(prefix, rate, format.inputOptions(rate));
        short[] decoded = AudioTools.samples(r.stdout());
        short[] head = Arrays.copyOf(decoded, Math.min(decoded.length, first.length + rate / 4));
        SignalMeasures.Match m = match(first, head, rate);
        if (r.exitCode() != 0 || m.correlation() == Double.NEGATIVE_INFINITY) {
            return new Coverage(m, 0);
        }
        return new Coverage(m, decoded.length - m.lag());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Server-sent events.

    @Test
    void sseDeltasConcatenateToAnMp3AndTimingsPointIntoTheInput() throws Exception {
        SERVER.assumeEspeak();
        ExternalProgram.require("ffmpeg");
        String text = "Streaming events are simple. Each one carries a little audio. Timings tell where words fall.";
        int rate = 24_000;
        HttpResponse<InputStream> r = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"input":%s,"voice":"%s","response_format":"mp3","sample_rate":%d,"stream_format":"sse",
                         "timings":true}""".formatted(Http.quote(text), ESPEAK, rate)))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(Http.JSON.readTree(line.substring(6)));
                }
            }
        }
        assertThat(events.getLast().get("type").asText()).isEqualTo("speech.audio.done");
        ByteArrayOutputStream mp3 = new ByteArrayOutputStream();
        Map<String, List<JsonNode>> timings = new HashMap<>();
        int deltas = 0;
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            String type = e.get("type").asText();
            if (type.equals("speech.audio.delta")) {
                mp3.writeBytes(Base64.getDecoder().decode(e.get("audio").asText()));
                deltas++;
            } else {
                assertThat(type).as("event %s", e).isEqualTo("speech.timing");
                timings.computeIfAbsent(e.path("kind").asText(), k -> new ArrayList<>()).add(e);
            }
        }
        assertThat(deltas).as("audio deltas, at least one per sentence").isGreaterThanOrEqualTo(3);

        short[] decoded = AudioTools.decodeCleanly(mp3.toByteArray(), rate, "the concatenated SSE mp3 deltas");
        short[] reference = reference(ESPEAK, text, rate);
        SignalMeasures.Match m = match(reference, decoded, rate);
        double ratio = (decoded.length - m.lag()) / (double) reference.length;
        assertThat(m.correlation()).isGreaterThanOrEqualTo(FORMATS.get("mp3").minCorrelation());
        assertThat(ratio).isBetween(0.98, 1.02);

        double audioMillis = reference.length * 1000.0 / rate;
        assertThat(timings.keySet()).containsExactlyInAnyOrder("sentence", "word");
        assertThat(timings.get("sentence")).extracting(e -> e.get("value").asText()).containsExactly(
                "Streaming events are simple.", "Each one carries a little audio.", "Timings tell where words fall.");
        assertThat(timings.get("word")).hasSize(15);
        for (Map.Entry<String, List<JsonNode>> kind : timings.entrySet()) {
            long lastTime = -1;
            for (JsonNode e : kind.getValue()) {
                long time = e.get("time").asLong();
                int start = e.get("start").asInt();
                int end = e.get("end").asInt();
                assertThat(time).as("%s", e).isGreaterThan(lastTime).isLessThan((long) audioMillis);
                lastTime = time;
                assertThat(start).as("%s", e).isBetween(0, end);
                assertThat(end).as("%s", e).isLessThanOrEqualTo(text.length());
                assertThat(text.substring(start, end)).as("the input at %s", e).isEqualTo(e.get("value").asText());
                assertThat(e.get("sample_offset").asLong()).as("%s", e)
                        .isCloseTo(time * rate / 1000, org.assertj.core.api.Assertions.within((long) rate / 500));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Speed, pitch and volume.

    static Stream<Arguments> voices() {
        return Stream.of(Arguments.of(ESPEAK, 22_050), Arguments.of(HMM, 48_000));
    }

    /**
     * Speed 2 halves the time and keeps the voice's pitch. Measured: duration ratio 0.47 (espeak) and 0.50-0.57
     * (hmm); median F0 within 1.1% of speed 1. Pitch varies within a sentence (its two halves differ by 9-12%
     * here), and a faster reading keeps fewer voiced frames, so the median may move a little; 15% still rejects
     * a speed-up that shifts pitch, which a plain resampling would double.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("voices")
    void speedTwoHalvesTheDurationAndKeepsThePitch(String voice, int rate) throws Exception {
        assumeEngine(voice);
        short[] normal = reference(voice, SENTENCE, rate);
        short[] fast = AudioTools.samples(speech(voice, SENTENCE, "pcm", rate, ",\"speed\":2.0").body());
        double durationRatio = fast.length / (double) normal.length;
        double f0Ratio = SignalMeasures.medianF0(fast, rate) / SignalMeasures.medianF0(normal, rate);
        assertThat(durationRatio).as("duration at speed 2 over speed 1").isBetween(0.4, 0.65);
        assertThat(f0Ratio).as("median F0 at speed 2 over speed 1").isBetween(0.85, 1.15);
    }

    /** Twelve semitones up is an octave: F0 doubles (measured 1.98-2.00) and the timing stays (measured 1.000). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("voices")
    void pitchTwelveSemitonesDoublesTheF0AndKeepsTheDuration(String voice, int rate) throws Exception {
        assumeEngine(voice);
        short[] normal = reference(voice, SENTENCE, rate);
        short[] high = AudioTools.samples(speech(voice, SENTENCE, "pcm", rate, ",\"pitch\":12").body());
        double durationRatio = high.length / (double) normal.length;
        double f0Ratio = SignalMeasures.medianF0(high, rate) / SignalMeasures.medianF0(normal, rate);
        assertThat(f0Ratio).as("median F0 at +12 semitones over the voice's own").isBetween(1.7, 2.3);
        assertThat(durationRatio).as("duration at +12 semitones over the voice's own").isBetween(0.95, 1.05);
    }

    /**
     * -6 dB halves the level (measured 0.501). +20 dB multiplies by ten and flattens what would pass full scale:
     * every sample keeps its sign (a wrap-around would flip loud ones) and those pushed past full scale sit at
     * it; the level grows, by less than ten (measured 4.2-5.1) as the loudest parts are flattened.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("voices")
    void volumeScalesTheLevelAndClipsRatherThanWraps(String voice, int rate) throws Exception {
        assumeEngine(voice);
        short[] normal = reference(voice, SENTENCE, rate);
        short[] quiet = AudioTools.samples(speech(voice, SENTENCE, "pcm", rate, ",\"volume\":-6").body());
        short[] loud = AudioTools.samples(speech(voice, SENTENCE, "pcm", rate, ",\"volume\":20").body());
        double quietRatio = SignalMeasures.rms(quiet) / SignalMeasures.rms(normal);
        double loudRatio = SignalMeasures.rms(loud) / SignalMeasures.rms(normal);
        assertThat(quietRatio).as("level at -6 dB over the voice's own").isBetween(0.45, 0.56);
        assertThat(loud).hasSameSizeAs(normal);
        int flipped = 0;
        int notAtFullScale = 0;
        int pushedPast = 0;
        for (int i = 0; i < normal.length; i++) {
            if (normal[i] * loud[i] < 0) {
                flipped++;
            }
            if (Math.abs(10 * normal[i]) > Short.MAX_VALUE) {
                pushedPast++;
                if (Math.abs(loud[i]) < Short.MAX_VALUE) {
                    notAtFullScale++;
                }
            }
        }
        assertThat(pushedPast).as("samples that +20 dB pushes past full scale").isPositive();
        assertThat(flipped).as("samples whose sign +20 dB flipped").isZero();
        assertThat(notAtFullScale).as("samples pushed past full scale that ended below it").isZero();
        assertThat(loudRatio).as("level at +20 dB over the voice's own").isBetween(2.0, 10.0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // What the server says it can do.

    /** AAC is encoded by the ffmpeg program: listed where it is installed, else listed as unavailable. */
    @Test
    void modelsListEveryFormatWithItsRates() throws Exception {
        JsonNode caps = Http.json(Http.get(SERVER, "/v1/models")).at("/data/0/capabilities");
        List<String> formats = new ArrayList<>();
        caps.get("response_formats").forEach(f -> formats.add(f.asText()));
        List<String> unavailable = new ArrayList<>();
        caps.get("unavailable_formats").fieldNames().forEachRemaining(unavailable::add);
        List<String> expected = new ArrayList<>(List.of("wav", "pcm", "mp3", "opus", "flac", "mulaw", "alaw",
                "wav_mulaw", "wav_alaw", "json_marks"));
        if (ExternalProgram.installed("ffmpeg")) {
            expected.add("aac");
            assertThat(unavailable).isEmpty();
        } else {
            assertThat(unavailable).containsExactly("aac");
        }
        assertThat(formats).containsExactlyInAnyOrderElementsOf(expected);
        for (String telephony : List.of("mulaw", "alaw", "wav_mulaw", "wav_alaw")) {
            assertThat(caps.at("/sample_rates/" + telephony).toString()).isEqualTo("[8000]");
        }
        for (String f : formats.stream().filter(f -> !f.contains("law") && !f.equals("json_marks")).toList()) {
            assertThat(caps.at("/sample_rates/" + f).toString()).as(f)
                    .isEqualTo("[8000,11025,16000,22050,24000,32000,44100,48000]");
        }
    }

    @Test
    void g711RefusesAnyRateButEightThousand() throws Exception {
        SERVER.assumeEspeak();
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", """
                {"input":"Hello.","voice":"espeak:en-us","response_format":"mulaw","sample_rate":16000}""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).at("/error/param").asText()).isEqualTo("sample_rate");
        // With no rate asked for, G.711 is telephone audio at 8000 Hz whatever the voice's rate.
        HttpResponse<byte[]> dflt = Http.post(SERVER, "/v1/audio/speech", """
                {"input":"Hello.","voice":"espeak:en-us","response_format":"alaw"}""");
        assertThat(dflt.statusCode()).isEqualTo(200);
        assertThat(dflt.headers().firstValue("x-chorus-sample-rate")).hasValue("8000");
    }

    // ---------------------------------------------------------------------------------------------------------
    // gRPC.

    @Test
    void grpcStreamingOpusDecodesToTheSpokenLength() throws Exception {
        SERVER.assumeEspeak();
        ExternalProgram.require("ffmpeg");
        ExternalProgram.require("opusdec");
        int rate = 24_000;
        String text = "Remote calls stream audio too. This one asks for Opus.";
        Iterator<StreamingSynthesizeResponse> it = TextToSpeechGrpc.newBlockingStub(SERVER.channel())
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .streamingSynthesize(SynthesizeRequest.newBuilder().setText(text).setVoice(ESPEAK)
                        .setFormat(AudioFormat.AUDIO_FORMAT_OPUS).setSampleRate(rate).build());
        List<StreamingSynthesizeResponse> messages = new ArrayList<>();
        it.forEachRemaining(messages::add);
        assertThat(messages.getFirst().getStart().getFormat()).isEqualTo(AudioFormat.AUDIO_FORMAT_OPUS);
        assertThat(messages.getFirst().getStart().getSampleRate()).isEqualTo(rate);
        ByteArrayOutputStream opus = new ByteArrayOutputStream();
        long lastOffset = -1;
        for (StreamingSynthesizeResponse msg : messages) {
            if (msg.hasAudio()) {
                assertThat(msg.getAudio().getSampleOffset()).isGreaterThanOrEqualTo(lastOffset);
                lastOffset = msg.getAudio().getSampleOffset();
                opus.writeBytes(msg.getAudio().getData().toByteArray());
            }
        }
        assertThat(messages.getLast().hasEnd()).isTrue();
        long samples = messages.getLast().getEnd().getSamples();
        assertThat(lastOffset).isBetween(0L, samples);
        byte[] bytes = opus.toByteArray();
        short[] reference = reference(ESPEAK, text, rate);
        assertThat(samples).as("samples the stream reports against the PCM of the same text")
                .isEqualTo(reference.length);

        ExternalProgram.Result info = ExternalProgram.require("opusinfo").runOnFile(bytes, ".opus");
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.all().toLowerCase()).as(info.all()).doesNotContain("warning", "error");
        Path in = Files.createTempFile("chorus-grpc", ".opus");
        Path out = Files.createTempFile("chorus-grpc", ".wav");
        try {
            Files.write(in, bytes);
            ExternalProgram.Result dec = ExternalProgram.require("opusdec").run(new byte[0], "--quiet", "--rate",
                    String.valueOf(rate), in.toString(), out.toString());
            assertThat(dec.exitCode()).as(dec.all()).isZero();
            Wav wav = WavFiles.read(out);
            // Ogg Opus marks where the audio ends, so the decoder gives back exactly what was spoken.
            assertThat(wav.samples().length / (double) samples).as("opusdec's length over the stream's")
                    .isBetween(0.98, 1.02);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
        short[] decoded = AudioTools.decodeCleanly(bytes, rate, "the gRPC Opus chunks");
        SignalMeasures.Match m = match(reference, decoded, rate);
        assertThat(m.correlation()).isGreaterThanOrEqualTo(FORMATS.get("opus").minCorrelation());
        assertThat((decoded.length - m.lag()) / (double) reference.length).isBetween(0.98, 1.02);
    }
}

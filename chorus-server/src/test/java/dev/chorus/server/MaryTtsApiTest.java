package dev.chorus.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MaryTTS-compatible API against a real server with the default voice (MaryTTS's own cmu-slt-hsmm): requests
 * shaped byte for byte as Home Assistant's MaryTTS integration sends them (through the speak2mary library: a
 * form-encoded POST to {@code /process} with no content type), audio read back with Java Sound and ffmpeg, the
 * plain-text listings, and MaryTTS's error answers.
 */
@Timeout(60)
class MaryTtsApiTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    /** The parameters speak2mary sends, in its order, with Home Assistant's defaults. */
    private static Map<String, String> speak2mary(String text, String codec) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("INPUT_TEXT", text);
        p.put("OUTPUT_TYPE", "AUDIO");
        p.put("INPUT_TYPE", "TEXT");
        p.put("LOCALE", "en_US");
        p.put("AUDIO", codec);
        p.put("VOICE", "cmu-slt-hsmm");
        return p;
    }

    /** Python's urlencode: spaces as '+', UTF-8 percent-escapes. */
    private static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** One response read off the wire: status, lower-cased headers, body. */
    record Raw(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends {@code body} to {@code /process} exactly as Python's http.client does for speak2mary's
     * {@code conn.request("POST", "/process", body)}: these headers, no Content-Type.
     */
    private static Raw pythonPost(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", SERVER.server().port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /process HTTP/1.1\r\nHost: 127.0.0.1:" + SERVER.server().port()
                    + "\r\nAccept-Encoding: identity\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            return readResponse(s.getInputStream());
        }
    }

    private static Raw readResponse(InputStream in) throws Exception {
        String status = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
        }
        return new Raw(Integer.parseInt(status.split(" ")[1]), headers, body.toByteArray());
    }

    private static String line(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IllegalStateException("connection closed mid-line: " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return SERVER.http().send(HttpRequest.newBuilder(SERVER.uri(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({"WAVE_FILE, audio/x-wav, WAVE", "AU_FILE, audio/basic, AU", "AIFF_FILE, audio/x-aiff, AIFF"})
    void homeAssistantsRequestGetsAFileJavaSoundAndFfmpegRead(String codec, String contentType, String javaType)
            throws Exception {
        Raw r = pythonPost(form(speak2mary("Hello from Home Assistant. The front door is open.", codec)));

        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo(contentType);
        assertThat(Integer.parseInt(r.headers().get("content-length"))).isEqualTo(r.body().length);
        AudioFileFormat f = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(r.body()));
        assertThat(f.getType().toString()).isEqualTo(javaType);
        AudioFormat a = f.getFormat();
        assertThat(a.getChannels()).isEqualTo(1);
        assertThat(a.getSampleSizeInBits()).isEqualTo(16);
        assertThat(a.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
        int rate = SERVER.synthesizer().registry().resolve("hmm:cmu-slt-hsmm").sampleRate();
        assertThat((int) a.getSampleRate()).as("the voice's own rate, as MaryTTS answers").isEqualTo(rate);
        assertThat(r.headers().get("x-chorus-sample-rate")).isEqualTo(Integer.toString(rate));
        double seconds = f.getFrameLength() / (double) a.getSampleRate();
        assertThat(seconds).as("seconds of speech").isBetween(1.5, 8.0);
        short[] samples = AudioTools.decodeCleanly(r.body(), rate, codec);
        assertThat(samples.length).isBetween((int) (seconds * rate) - 2, (int) (seconds * rate) + 2);
        assertThat(Http.rms(samples)).as("speech, not silence").isGreaterThan(300);
    }

    @Test
    void theMaryTtsDocumentationsGetRequestAndMp3Work() throws Exception {
        HttpResponse<byte[]> wav = get("/process?INPUT_TYPE=TEXT&AUDIO=WAVE_FILE&OUTPUT_TYPE=AUDIO&LOCALE=en_US"
                + "&INPUT_TEXT=%22Hello%20Josef!%22");
        assertThat(wav.statusCode()).as(body(wav)).isEqualTo(200);
        assertThat(wav.headers().firstValue("content-type")).hasValue("audio/x-wav");
        assertThat(new String(wav.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(wav.headers().firstValue("x-chorus-voice")).hasValue("hmm:cmu-slt-hsmm");

        HttpResponse<byte[]> mp3 = get("/process?INPUT_TYPE=TEXT&AUDIO=MP3_FILE&OUTPUT_TYPE=AUDIO&LOCALE=en_US"
                + "&INPUT_TEXT=Hello");
        assertThat(mp3.statusCode()).as(body(mp3)).isEqualTo(200);
        assertThat(mp3.headers().firstValue("content-type")).hasValue("audio/x-mpeg");
        assertThat(AudioTools.probeCodecAndRate(mp3.body(), ".mp3")).first().isEqualTo("mp3");
    }

    @Test
    void ssmlInputAndTheChorusVoiceIdWork() throws Exception {
        Map<String, String> p = speak2mary("<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" "
                + "xml:lang=\"en-US\">Hello <break time=\"500ms\"/> world.</speak>", "WAVE_FILE");
        p.put("INPUT_TYPE", "SSML");
        p.put("VOICE", "hmm:cmu-slt-hsmm");
        Raw r = pythonPost(form(p));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(AudioSystem.getAudioFileFormat(new ByteArrayInputStream(r.body())).getFrameLength())
                .as("at least the half-second break").isGreaterThan(8000);
    }

    @Test
    void theRateEffectSlowsTheSpeechDown() throws Exception {
        Map<String, String> p = speak2mary("The quick brown fox jumps over the lazy dog.", "WAVE_FILE");
        long normal = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(pythonPost(form(p)).body()))
                .getFrameLength();
        p.put("effect_Rate_selected", "on");
        p.put("effect_Rate_parameters", "durScale:2.0;");
        p.put("effect_Robot_selected", "on");
        p.put("effect_Robot_parameters", "amount:100.0;");
        Raw slow = pythonPost(form(p));
        assertThat(slow.status()).as(slow.text()).isEqualTo(200);
        long frames = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(slow.body())).getFrameLength();
        assertThat(frames).as("twice the duration, more or less").isGreaterThan(normal * 3 / 2);
        assertThat(slow.headers().get("x-chorus-warnings")).contains("Robot");
    }

    @Test
    void listingsAreMaryTtsPlainText() throws Exception {
        HttpResponse<byte[]> voices = get("/voices");
        assertThat(voices.statusCode()).isEqualTo(200);
        assertThat(voices.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(body(voices).lines().toList()).contains("cmu-slt-hsmm en_US female hmm");
        assertThat(body(voices).lines()).allSatisfy(l -> assertThat(l.split(" ")).hasSize(4));

        assertThat(body(get("/locales")).lines().toList()).contains("en_US");
        assertThat(body(get("/audioformats")).lines().toList())
                .containsSequence("WAVE_FILE", "AU_FILE", "AIFF_FILE");
        assertThat(body(get("/version"))).startsWith("Mary TTS server 5.2 (impl. Chorus ");
        assertThat(body(get("/datatypes")).lines().toList()).contains("TEXT INPUT", "AUDIO OUTPUT");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE | 400 | Request must contain the parameter 'INPUT_TEXT' and 'INPUT_TYPE' and 'OUTPUT_TYPE' and 'LOCALE'",
        "INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&LOCALE=en_US | 400 | Request must contain the parameter 'AUDIO' when OUTPUT_TYPE=AUDIO",
        "INPUT_TEXT=Hi&INPUT_TYPE=RAWMARYXML&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE&LOCALE=en_US | 400 | The value 'RAWMARYXML' of parameter 'INPUT_TYPE' is not valid: this server reads TEXT and SSML, not MaryTTS's RAWMARYXML",
        "INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=PHONEMES&LOCALE=en_US | 400 | The value 'PHONEMES' of parameter 'OUTPUT_TYPE' is not valid",
        "INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&AUDIO=Vorbis_FILE&LOCALE=en_US | 400 | Conversion to OGG Vorbis format not supported.",
        "INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE&LOCALE=en_US&VOICE=dfki-nobody | 400 | The value 'dfki-nobody' of parameter 'VOICE' is not valid",
        "INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE&LOCALE=xx_YY | 400 | The value 'xx_YY' of parameter 'LOCALE' is not valid: no installed voice speaks it",
        "INPUT_TEXT=Hi&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE&LOCALE=en_US&effect_Volume_selected=on&effect_Volume_parameters=loud | 400 | of parameter 'effect_Volume_parameters' is not valid",
        "INPUT_TEXT=<speak>unclosed&INPUT_TYPE=SSML&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE&LOCALE=en_US | 400 | SSML line 1",
        "INPUT_TEXT=&INPUT_TYPE=TEXT&OUTPUT_TYPE=AUDIO&AUDIO=WAVE_FILE&LOCALE=en_US | 400 | INPUT_TEXT",
    })
    void badRequestsGetMaryTtsErrorPages(String form, int status, String message) throws Exception {
        Raw r = pythonPost(form.replace("<", "%3C").replace(">", "%3E"));
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.headers().get("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.text()).startsWith("<html><body><h1>Bad Request</h1><p>")
                .contains(message.replace("'", "&#39;"));
    }

    @Test
    void textPastTheLimitIsRefusedWithoutSynthesis() throws Exception {
        Raw r = pythonPost(form(speak2mary("word ".repeat(2000), "WAVE_FILE")));
        assertThat(r.status()).isBetween(400, 499);
        assertThat(r.text()).contains("INPUT_TEXT");
    }
}

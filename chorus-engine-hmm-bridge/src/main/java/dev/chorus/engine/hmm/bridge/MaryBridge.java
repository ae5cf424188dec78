package dev.chorus.engine.hmm.bridge;

import marytts.datatypes.MaryData;
import marytts.datatypes.MaryDataType;
import marytts.modules.synthesis.Voice;
import marytts.server.Request;
import marytts.util.MaryRuntimeUtils;
import org.w3c.dom.Document;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The one class the engine instantiates inside the private MaryTTS class loader. It speaks only JDK types, so the
 * engine never links against a MaryTTS class:
 * <ul>
 *   <li>{@link #get()} describes the voice ({@code name, locale, gender, sampleRate, version});</li>
 *   <li>{@link #apply(String, Double)} synthesizes one sentence at a speed factor and returns its word timings
 *       ({@code int[]} triples of text offset, text length and sample offset, all within the sentence) paired with
 *       a stream of mono little-endian PCM16 at the voice's rate.</li>
 * </ul>
 *
 * <p>Thread-safe: every call builds its own MaryTTS {@link Request}s and never calls a setter on shared MaryTTS
 * state. The caller must set the thread context class loader to this class's loader around the constructor and
 * every call, because MaryTTS finds its configuration through {@link java.util.ServiceLoader} with that loader.
 */
public final class MaryBridge
        implements Supplier<Map<String, String>>, BiFunction<String, Double, Map.Entry<int[], InputStream>> {

    /** The voice this bridge speaks with. */
    public static final String VOICE = "cmu-slt-hsmm";

    // MaryTTS names a log4j logger after each request id: a constant id keeps that registry from growing.
    private static final int REQUEST_ID = 1;

    private final Voice voice;
    private final AudioFileFormat audioFileFormat;

    /**
     * Starts MaryTTS in this class loader unless it is already running, and loads the voice.
     *
     * @throws IllegalStateException if MaryTTS cannot start or the voice is missing
     */
    public MaryBridge() {
        MaryLogging.install();
        try {
            MaryRuntimeUtils.ensureMaryStarted();
        } catch (Exception e) {
            throw new IllegalStateException("MaryTTS did not start: " + e, e);
        }
        voice = Voice.getVoice(VOICE);
        if (voice == null) {
            throw new IllegalStateException("MaryTTS started without its voice " + VOICE);
        }
        audioFileFormat = new AudioFileFormat(AudioFileFormat.Type.WAVE, voice.dbAudioFormat(),
                AudioSystem.NOT_SPECIFIED);
    }

    /** Returns the voice's metadata: {@code name, locale} (BCP-47), {@code gender, sampleRate, version}. */
    @Override
    public Map<String, String> get() {
        return Map.of(
                "name", voice.getName(),
                "locale", voice.getLocale().toLanguageTag(),
                "gender", String.valueOf(voice.gender()),
                "sampleRate", Integer.toString(Math.round(voice.dbAudioFormat().getSampleRate())),
                "version", String.valueOf(marytts.Version.specificationVersion()));
    }

    /**
     * Synthesizes one sentence.
     *
     * @param sentence the text; characters XML cannot carry are spoken as spaces
     * @param speed    speaking-rate factor, 0.25 to 4.0; see {@link SpeechRate}
     *                 for how closely MaryTTS follows it
     * @return word timings (triples: offset and length in {@code sentence}, first sample) and the PCM16 stream; the
     *         stream is empty when the sentence has nothing to speak, and must be closed
     * @throws IllegalArgumentException if {@code speed} is out of range
     * @throws IllegalStateException    if MaryTTS fails
     */
    @Override
    public Map.Entry<int[], InputStream> apply(String sentence, Double speed) {
        SpeechRate rate = SpeechRate.of(speed);
        if (MaryXmlInput.sanitize(sentence).isBlank()) {
            return silence(); // MaryTTS fails on a document without text
        }
        Document acoustics = toAcousticParameters(MaryXmlInput.rawMaryXml(sentence, rate));
        rate.scalePauses(acoustics);
        AudioInputStream audio = toAudio(acoustics);
        if (audio == null) {
            return silence();
        }
        // Synthesis has fixed every duration before the vocoder thread streams the samples, so timings come first.
        int[] words = WordTimings.of(acoustics, sentence, audio.getFrameLength(),
                Math.round(audio.getFormat().getSampleRate()));
        return Map.entry(words, new PcmInputStream(audio));
    }

    private static Map.Entry<int[], InputStream> silence() {
        return Map.entry(new int[0], InputStream.nullInputStream());
    }

    private Document toAcousticParameters(String rawMaryXml) {
        Request request = new Request(MaryDataType.RAWMARYXML, MaryDataType.ACOUSTPARAMS, voice.getLocale(), voice,
                null, null, REQUEST_ID, null, false, null);
        try {
            request.setInputData(rawMaryXml);
            request.process();
        } catch (Exception e) {
            throw new IllegalStateException("MaryTTS could not analyse the text: " + e, e);
        }
        return request.getOutputData().getDocument();
    }

    private AudioInputStream toAudio(Document acoustics) {
        MaryData input = new MaryData(MaryDataType.ACOUSTPARAMS, voice.getLocale());
        input.setDocument(acoustics);
        Request request = new Request(MaryDataType.ACOUSTPARAMS, MaryDataType.AUDIO, voice.getLocale(), voice,
                null, null, REQUEST_ID, audioFileFormat, false, null);
        try {
            request.setInputData(input);
            request.process();
        } catch (Exception e) {
            throw new IllegalStateException("MaryTTS could not synthesize: " + e, e);
        }
        // The synthesis output itself; the request also wraps it in a stream of its own, which stays unread.
        return request.getOutputData().getAudio();
    }

    @Override
    public String toString() {
        return "MaryTTS " + marytts.Version.specificationVersion() + " voice " + VOICE + " (" + Locale.US + ")";
    }
}

package dev.chorus.server.marytts;

import dev.chorus.service.SpeechInput;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.TextOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code /process} request, checked as MaryTTS 5.2's server checks it: {@code INPUT_TEXT}, {@code INPUT_TYPE},
 * {@code OUTPUT_TYPE} and {@code LOCALE} are required, and {@code AUDIO} when the output is audio. Chorus reads
 * {@code TEXT} and {@code SSML} input and answers {@code AUDIO}; MaryTTS's other data types (its XML, phones,
 * acoustic parameters) are refused by name. Of MaryTTS's audio effects, {@code Volume} and {@code Rate} are
 * applied; the others are accepted and ignored, with a warning header.
 *
 * @param text      the text or SSML to speak
 * @param ssml      whether the input is SSML
 * @param audio     the audio file type to answer with
 * @param language  the BCP-47 form of {@code LOCALE}
 * @param voice     the voice asked for, or {@code null} for the locale's default (also for {@code male}/{@code female})
 * @param gender    {@code male} or {@code female} when {@code VOICE} asked for a gender, else {@code null}
 * @param speed     the speaking rate from the {@code Rate} effect (1 without it)
 * @param volume    the gain in dB from the {@code Volume} effect (0 without it)
 * @param ignored   the effects that were asked for and are not applied
 */
record MaryRequest(String text, boolean ssml, MaryAudioType audio, String language, String voice, String gender,
                   double speed, double volume, List<String> ignored) {

    /** MaryTTS's input data types that Chorus does not read: its own XML and the stages inside its pipeline. */
    private static final List<String> MARY_INPUT_TYPES = List.of("RAWMARYXML", "TOKENS", "WORDS", "PARTSOFSPEECH",
            "PHONEMES", "INTONATION", "ALLOPHONES", "ACOUSTPARAMS", "EMOTIONML", "SABLE", "APML", "SIMPLEPHONEMES",
            "TARGETFEATURES", "HALFPHONE_TARGETFEATURES", "REALISED_ACOUSTPARAMS", "REALISED_DURATIONS",
            "PRAAT_TEXTGRID", "HTSCONTEXT", "INTONISED");

    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(?:[_-][A-Za-z0-9]{1,8})*");

    /** One effect parameter, {@code name:value}, as MaryTTS writes them ({@code amount:2.0;}). */
    private static final Pattern EFFECT_PARAM = Pattern.compile("\\s*([A-Za-z0-9]+)\\s*:\\s*([-+0-9.eE]+)\\s*");

    /**
     * Checks the parameters of a request (query and form fields together, a later value winning, as in MaryTTS).
     *
     * @throws MaryError (400) naming the parameter at fault, in MaryTTS's words
     */
    static MaryRequest parse(Map<String, String> params) {
        String text = params.get("INPUT_TEXT");
        if (text == null || !params.containsKey("INPUT_TYPE") || !params.containsKey("OUTPUT_TYPE")
                || !params.containsKey("LOCALE")) {
            throw MaryError.missing("'INPUT_TEXT' and 'INPUT_TYPE' and 'OUTPUT_TYPE' and 'LOCALE'");
        }
        boolean ssml = inputType(params.get("INPUT_TYPE"));
        String output = params.get("OUTPUT_TYPE").strip();
        if (!output.equalsIgnoreCase("AUDIO")) {
            throw MaryError.wrongValue("OUTPUT_TYPE", output, "this server answers AUDIO only");
        }
        String audioName = params.get("AUDIO");
        if (audioName == null) {
            throw MaryError.missing("'AUDIO' when OUTPUT_TYPE=AUDIO");
        }
        MaryAudioType audio = MaryAudioType.parse(audioName);
        if (audio == null) {
            throw MaryError.wrongValue("AUDIO", audioName, audioName.toUpperCase(Locale.ROOT).startsWith("VORBIS")
                    ? "Conversion to OGG Vorbis format not supported."
                    : "expected one of WAVE_FILE, AU_FILE, AIFF_FILE, MP3_FILE (or WAVE, AU, AIFF, MP3, MP3_STREAM)");
        }
        String locale = params.get("LOCALE").strip();
        if (!LOCALE.matcher(locale).matches()) {
            throw MaryError.wrongValue("LOCALE", locale, "expected a locale such as en_US or de");
        }
        String voice = params.get("VOICE");
        voice = voice == null || voice.isBlank() ? null : voice.strip();
        String gender = null;
        if ("male".equals(voice) || "female".equals(voice)) {
            gender = voice;
            voice = null;
        }
        Map<String, String> effects = effects(params);
        List<String> ignored = new ArrayList<>();
        double speed = 1;
        double volume = 0;
        for (Map.Entry<String, String> e : effects.entrySet()) {
            switch (e.getKey()) {
                case "Volume" -> volume = volumeDb(e.getValue());
                case "Rate" -> speed = speed(e.getValue());
                default -> ignored.add(e.getKey());
            }
        }
        return new MaryRequest(text, ssml, audio, locale.replace('_', '-'), voice, gender, speed, volume,
                List.copyOf(ignored));
    }

    /** Returns the request as the speech pipeline takes it, answered in {@code audio}'s encoding. */
    SpeechInput toInput(String routedVoice) {
        return new SpeechInput(text, "INPUT_TEXT", null, routedVoice,
                new SynthesisOptions(speed, routedVoice == null ? language : null, 0, volume), audio.encoding(), 0,
                new TextOptions(ssml ? TextOptions.Format.SSML : TextOptions.Format.TEXT, true, List.of()), null,
                false);
    }

    private static boolean inputType(String type) {
        String t = type.strip().toUpperCase(Locale.ROOT);
        if (t.equals("TEXT")) {
            return false;
        }
        if (t.equals("SSML")) {
            return true;
        }
        if (MARY_INPUT_TYPES.contains(t)) {
            throw MaryError.wrongValue("INPUT_TYPE", type, "this server reads TEXT and SSML, not MaryTTS's " + t);
        }
        throw MaryError.wrongValue("INPUT_TYPE", type, "expected TEXT or SSML");
    }

    /**
     * Returns the effects asked for, by name, with their parameters: {@code effect_NAME_selected=on} with an
     * optional {@code effect_NAME_parameters}, as MaryTTS's web page and clients send them.
     */
    private static Map<String, String> effects(Map<String, String> params) {
        Map<String, String> effects = new TreeMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith("effect_") && k.endsWith("_selected") && "on".equals(v)
                    && k.length() > "effect__selected".length()) {
                String name = k.substring("effect_".length(), k.length() - "_selected".length());
                String p = params.get("effect_" + name + "_parameters");
                effects.put(name, p == null ? "" : p);
            }
        });
        return effects;
    }

    /** Maps {@code Volume(amount:A)}, a linear gain (MaryTTS's default 2.0), to dB. */
    private static double volumeDb(String params) {
        double amount = param(params, "amount", 2.0, "Volume");
        double db = 20 * Math.log10(amount);
        if (!(db >= SynthesisOptions.MIN_VOLUME && db <= SynthesisOptions.MAX_VOLUME)) {
            throw MaryError.wrongValue("effect_Volume_parameters", params, "amount must be from 0.001 to 10");
        }
        return db;
    }

    /** Maps {@code Rate(durScale:D)}, a duration factor (MaryTTS's default 1.5), to a speaking rate 1/D. */
    private static double speed(String params) {
        double durScale = param(params, "durScale", 1.5, "Rate");
        double speed = 1 / durScale;
        if (!(speed >= SynthesisOptions.MIN_SPEED && speed <= SynthesisOptions.MAX_SPEED)) {
            throw MaryError.wrongValue("effect_Rate_parameters", params, "durScale must be from 0.25 to 4");
        }
        return speed;
    }

    private static double param(String params, String name, double dflt, String effect) {
        for (String part : params.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = EFFECT_PARAM.matcher(part);
            if (!m.matches() || !m.group(1).equals(name)) {
                throw MaryError.wrongValue("effect_" + effect + "_parameters", params,
                        "expected " + name + ":NUMBER");
            }
            try {
                return Double.parseDouble(m.group(2));
            } catch (NumberFormatException e) {
                throw MaryError.wrongValue("effect_" + effect + "_parameters", params,
                        "expected " + name + ":NUMBER");
            }
        }
        return dflt;
    }
}

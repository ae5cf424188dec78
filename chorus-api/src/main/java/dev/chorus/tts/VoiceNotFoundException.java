package dev.chorus.tts;

import java.util.List;

/** The requested voice is not installed; carries the closest installed ids to help the caller. */
public final class VoiceNotFoundException extends ChorusException {
    private static final long serialVersionUID = 1L;
    private final String voice;
    private final transient List<String> suggestions;

    public VoiceNotFoundException(String voice, List<String> suggestions) {
        super(message(voice, suggestions));
        this.voice = voice;
        this.suggestions = List.copyOf(suggestions);
    }

    private static String message(String voice, List<String> suggestions) {
        String m = "voice: '" + voice + "' is not installed";
        return suggestions.isEmpty() ? m : m + " (did you mean: " + String.join(", ", suggestions) + "?)";
    }

    /** Returns the voice id that was asked for. */
    public String voice() {
        return voice;
    }

    /** Returns installed voice ids close to the one asked for, best first. */
    public List<String> suggestions() {
        return suggestions;
    }

    @Override
    public String code() {
        return "voice_not_found";
    }
}

package dev.chorus.service.backcheck;

import dev.chorus.asr.CheckSentences;
import dev.chorus.asr.Recognizer;
import dev.chorus.audio.SignalQuality;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.Voice;
import dev.chorus.tts.spi.VoiceGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The voice release gate: a new version of a voice (hot reload, admin reload) first speaks a few check sentences in
 * its language, and is refused when its audio is silent, clipped, far too short or too long for the text, or (with
 * a recognizer that understands the language) understood far worse than {@link ReleaseGateSettings#maxWer()}. A
 * refused version never serves; the previous one keeps serving and the voice listings say why.
 *
 * <p>Metrics: {@code chorus_voice_release_checks_total{engine, outcome}} with outcomes {@code passed} and
 * {@code refused}. Thread-safe (one check per call, on the engine's loading thread).
 */
public final class ReleaseGate implements VoiceGate {

    private static final System.Logger LOG = System.getLogger(ReleaseGate.class.getName());
    /** Check sentences spoken per candidate. */
    static final int SENTENCES = 5;
    /** Most of the samples that may sit at full scale. */
    static final double MAX_CLIPPING = 0.01;
    /** Most of the 20 ms frames that may be silent. */
    static final double MAX_SILENCE = 0.9;
    /** Fewest seconds of audio per character of text. */
    static final double MIN_SECONDS_PER_CHAR = 0.01;
    /** Most seconds of audio per character of text. */
    static final double MAX_SECONDS_PER_CHAR = 0.4;

    private final ReleaseGateSettings settings;
    private final Recognizer recognizer;
    private final MeterRegistry meters;

    /**
     * @param recognizer what listens at {@link ReleaseGateSettings.Level#RECOGNIZE}, or null for the signal checks
     *                   only (not closed by the gate)
     */
    public ReleaseGate(ReleaseGateSettings settings, Recognizer recognizer, MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.recognizer = settings.level() == ReleaseGateSettings.Level.RECOGNIZE ? recognizer : null;
        this.meters = Objects.requireNonNull(meters, "meters");
        if (settings.level() == ReleaseGateSettings.Level.RECOGNIZE && recognizer == null) {
            throw new IllegalArgumentException("backcheck.release-gate: recognize needs a recognizer");
        }
    }

    /** Returns the settings. */
    public ReleaseGateSettings settings() {
        return settings;
    }

    @Override
    public Optional<String> refuse(Voice candidate) {
        if (settings.level() == ReleaseGateSettings.Level.OFF) {
            return Optional.empty();
        }
        VoiceInfo info = candidate.info();
        List<String> sentences = sentences(info.language());
        VoiceTrial.Result r = VoiceTrial.run(candidate, sentences, recognizer);
        List<String> reasons = reasons(r);
        String figures = String.format(Locale.ROOT, "%d check sentences: %.1f s of audio, %.0f ms per character, "
                        + "clipping %.4f, silence %.3f, %s", r.sentences(), r.quality().seconds(),
                r.secondsPerCharacter() * 1000, r.quality().clippingRatio(), r.quality().silenceRatio(),
                !Double.isNaN(r.wer()) ? String.format(Locale.ROOT, "word error rate %.3f", r.wer())
                        : recognizer == null ? "not listened to" : "no recognizer for " + info.language());
        String outcome = reasons.isEmpty() ? "passed" : "refused";
        Counter.builder("chorus_voice_release_checks_total")
                .description("New voice versions checked by the release gate, by outcome")
                .tag("engine", engine(info.id())).tag("outcome", outcome).register(meters).increment();
        if (reasons.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0}: passed the release gate ({1})", info.id(), figures);
            return Optional.empty();
        }
        return Optional.of(String.join("; ", reasons) + " (" + figures + ")");
    }

    /** Returns what is wrong with a trial's figures; empty when nothing is. */
    List<String> reasons(VoiceTrial.Result r) {
        List<String> out = new ArrayList<>();
        SignalQuality q = r.quality();
        if (q.seconds() == 0) {
            out.add("no audio");
            return out;
        }
        if (q.silenceRatio() > MAX_SILENCE) {
            out.add(String.format(Locale.ROOT, "silent (%.0f%% of the audio is below %.0f dBFS; at most %.0f%%)",
                    q.silenceRatio() * 100, SignalQuality.SILENCE_DBFS, MAX_SILENCE * 100));
        }
        if (q.clippingRatio() > MAX_CLIPPING) {
            out.add(String.format(Locale.ROOT, "clipped (%.1f%% of the samples at full scale; at most %.0f%%)",
                    q.clippingRatio() * 100, MAX_CLIPPING * 100));
        }
        double perChar = r.secondsPerCharacter();
        if (perChar < MIN_SECONDS_PER_CHAR || perChar > MAX_SECONDS_PER_CHAR) {
            out.add(String.format(Locale.ROOT, "far too %s for the text (%.0f ms per character; expected %.0f to %.0f)",
                    perChar < MIN_SECONDS_PER_CHAR ? "short" : "long", perChar * 1000, MIN_SECONDS_PER_CHAR * 1000,
                    MAX_SECONDS_PER_CHAR * 1000));
        }
        if (!Double.isNaN(r.wer()) && r.wer() > settings.maxWer()) {
            out.add(String.format(Locale.ROOT, "not understood (word error rate %.2f; at most %.2f)", r.wer(),
                    settings.maxWer()));
        }
        return out;
    }

    /** Returns the first check sentences of the language's built-in set (English for a language without one). */
    static List<String> sentences(String language) {
        List<String> all = CheckSentences.builtIn(language).or(() -> CheckSentences.builtIn("en")).orElseThrow();
        return all.subList(0, Math.min(SENTENCES, all.size()));
    }

    private static String engine(String voiceId) {
        int colon = voiceId.indexOf(':');
        return colon < 0 ? voiceId : voiceId.substring(0, colon);
    }
}

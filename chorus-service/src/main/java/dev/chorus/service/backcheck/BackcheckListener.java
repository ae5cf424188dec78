package dev.chorus.service.backcheck;

import dev.chorus.asr.WordErrorRate;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.service.ApiException;
import dev.chorus.service.SpeechCall;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisException;
import dev.chorus.tts.VoiceInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Hears one request's PCM for the back-check. Sentences are the runtime's chunks: the audio between two
 * {@code onChunkDone} calls, with the text of the sentence timings that came with it.
 *
 * <p>Strict: a sentence's audio and timings are held until it has been recognized and screened, then passed on;
 * a mismatch that the policy blocks or masks ends the request with 422 {@code speech_mismatch} instead (before any
 * audio when it is the first sentence). Otherwise: everything passes at once, up to {@code maxSeconds} of audio is
 * copied, and the check runs after the response on the back-check's threads. Callbacks come one at a time (see
 * {@link SynthesisListener}), so there is no locking.
 */
final class BackcheckListener implements SynthesisListener {

    private final SynthesisListener delegate;
    private final Backcheck check;
    private final SpeechCall call;
    private final Set<String> inputCategories;
    private final boolean strict;
    private final List<Timing> heldTimings = new ArrayList<>();
    private final List<Backcheck.Segment> kept = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private VoiceInfo voice;
    private int rate;
    private short[] pcm = new short[8192];
    private int pcmLength;
    private long keptSamples;
    private WordErrorRate wer = WordErrorRate.NONE;
    private boolean refused;

    BackcheckListener(SynthesisListener delegate, Backcheck check, SpeechCall call, Set<String> inputCategories,
                      boolean strict) {
        this.delegate = delegate;
        this.check = check;
        this.call = call;
        this.inputCategories = inputCategories;
        this.strict = strict;
        this.voice = call.speech().voice();
    }

    @Override
    public void onWarning(String warning) {
        delegate.onWarning(warning);
    }

    @Override
    public void onStart(VoiceInfo v, int sampleRate, int chunks) {
        this.voice = v;
        this.rate = sampleRate;
        delegate.onStart(v, sampleRate, chunks);
    }

    @Override
    public void onAudio(short[] samples, int offset, int length) {
        boolean keep = strict || keptSamples + pcmLength + length <= check.maxSamples(rate);
        if (keep) {
            if (pcmLength + length > pcm.length) {
                pcm = Arrays.copyOf(pcm, Math.max(pcm.length * 2, pcmLength + length));
            }
            System.arraycopy(samples, offset, pcm, pcmLength, length);
            pcmLength += length;
        }
        if (!strict) {
            delegate.onAudio(samples, offset, length);
        } else if (pcmLength > check.maxSamples(rate)) {
            // A sentence longer than the bound: check what is held so far rather than hold without limit.
            sentenceDone();
        }
    }

    @Override
    public void onTiming(Timing timing) {
        if (timing.kind() == Timing.Kind.SENTENCE) {
            text.append(text.isEmpty() ? "" : " ").append(timing.text());
        }
        if (strict) {
            heldTimings.add(timing);
        } else {
            delegate.onTiming(timing);
        }
    }

    @Override
    public void onChunkDone(int index, int chunks) {
        sentenceDone();
        delegate.onChunkDone(index, chunks);
    }

    @Override
    public void onComplete(SynthesisSummary summary) {
        sentenceDone();
        delegate.onComplete(summary);
        if (strict) {
            check.recordWer(voice, wer);
            check.outcome(voice, "passed");
            return;
        }
        List<Backcheck.Segment> segments = List.copyOf(kept);
        VoiceInfo v = voice;
        int r = rate;
        check.submit(v, () -> {
            Backcheck.Heard heard = check.listen(call, v, inputCategories, segments, r);
            check.recordWer(v, heard.wer());
            check.outcome(v, heard.mismatch().found() ? "mismatch" : "passed");
        });
    }

    @Override
    public void onError(ChorusException error) {
        if (!refused) {
            delegate.onError(error);
        }
    }

    @Override
    public boolean ready() {
        return delegate.ready();
    }

    @Override
    public void whenReady(Runnable resume) {
        delegate.whenReady(resume);
    }

    /** Ends the current sentence: checks it (strict) and passes it on, or keeps it for the later check. */
    private void sentenceDone() {
        if (refused) {
            return;
        }
        Backcheck.Segment segment = new Backcheck.Segment(text.toString(), Arrays.copyOf(pcm, pcmLength));
        text.setLength(0);
        pcmLength = 0;
        if (!strict) {
            if (segment.pcm().length > 0) {
                kept.add(segment);
                keptSamples += segment.pcm().length;
            }
            return;
        }
        if (segment.pcm().length > 0 && !segment.text().isBlank()) {
            Backcheck.Heard heard = check.listen(call, voice, inputCategories, List.of(segment), rate);
            wer = wer.plus(heard.wer());
            if (heard.mismatch().refuses()) {
                refused = true;
                check.recordWer(voice, wer);
                check.outcome(voice, "refused");
                delegate.onError(new SynthesisException("refused by the speech back-check",
                        ApiException.speechMismatch(heard.mismatch().categories())));
                // Throwing stops the synthesis; the runtime's own error is not passed on (see onError).
                throw new IllegalStateException("the speech back-check refused the request");
            }
            if (heard.mismatch().found()) {
                check.outcome(voice, "mismatch");
            }
        }
        heldTimings.forEach(delegate::onTiming);
        heldTimings.clear();
        if (segment.pcm().length > 0) {
            delegate.onAudio(segment.pcm(), 0, segment.pcm().length);
        }
    }
}

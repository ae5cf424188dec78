package dev.chorus.app;

import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.service.AudioOutput;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisException;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;

/**
 * Where {@code chorus say} puts a synthesis: the encoded audio into a stream, flushed sentence by sentence; timings
 * into the marks file; progress onto an optional progress bar.
 */
final class StreamedAudio implements AudioOutput {

    private final OutputStream out;
    private final SpeechMarksFile marks;
    private final boolean showProgress;
    private ProgressBar bar;
    private volatile IOException writeError;

    StreamedAudio(OutputStream out, SpeechMarksFile marks, boolean showProgress) {
        this.out = out;
        this.marks = marks;
        this.showProgress = showProgress;
    }

    @Override
    public void progress(int done, int total) {
        if (!showProgress) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("Speaking").setInitialMax(total).setUnit(" chunks", 1)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
        bar.stepTo(done);
    }

    @Override
    public void audio(byte[] bytes, long firstSample) {
        write(bytes);
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void event(Timing event) {
        marks.write(event);
    }

    @Override
    public void complete(byte[] tail, SynthesisSummary summary) {
        write(tail);
        closeBar();
    }

    @Override
    public void error(ChorusException error) {
        closeBar();
    }

    /** Waits for the synthesis behind {@code handle}; rethrows what failed it, a write error first. */
    SynthesisSummary await(SynthesisHandle handle) throws IOException {
        try {
            SynthesisSummary s = handle.completion().get();
            out.flush();
            return s;
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
            throw new SynthesisException("interrupted", e);
        } catch (ExecutionException e) {
            if (writeError != null) {
                throw writeError;
            }
            if (e.getCause() instanceof ChorusException c) {
                throw c;
            }
            throw new SynthesisException("synthesis failed: " + e.getCause(), e.getCause());
        }
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private UncheckedIOException failed(IOException e) {
        writeError = e;
        return new UncheckedIOException(e);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
        }
    }
}

package dev.chorus.jobs;

import dev.chorus.text.SentenceChunker;
import dev.chorus.text.TextChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a job's plain-text input into sentence runs: the text pipeline's sentence chunks (whole sentences, a
 * sentence longer than a run cut at its clauses), packed in order into runs of at most {@code runChars}
 * characters, so each run is a normal-sized synthesis. The split depends only on the text, the language and the
 * run size, so every node that resumes a job makes the same runs.
 */
final class SentenceRuns {

    private SentenceRuns() {
    }

    /** Returns the runs of {@code text}, read with the sentence rules of {@code language} (null: English). */
    static List<JobRun> split(String text, String language, int runChars) {
        Locale locale = language == null || language.isBlank() ? Locale.ENGLISH : Locale.forLanguageTag(language);
        List<TextChunk> chunks = new SentenceChunker(runChars, runChars).chunk(text, locale);
        List<JobRun> runs = new ArrayList<>();
        int start = -1;
        int end = -1;
        int sentences = 0;
        for (TextChunk c : chunks) {
            if (start >= 0 && c.end() - start > runChars) {
                runs.add(JobRun.planned(runs.size(), start, end, sentences));
                start = -1;
            }
            if (start < 0) {
                start = c.start();
                sentences = 0;
            }
            end = c.end();
            sentences++;
        }
        if (start >= 0) {
            runs.add(JobRun.planned(runs.size(), start, end, sentences));
        }
        return runs;
    }
}

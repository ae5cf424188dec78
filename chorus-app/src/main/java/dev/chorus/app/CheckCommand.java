package dev.chorus.app;

import dev.chorus.asr.CheckSentences;
import dev.chorus.asr.Recognizer;
import dev.chorus.audio.SignalQuality;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.service.backcheck.Backcheck;
import dev.chorus.service.backcheck.BackcheckSettings;
import dev.chorus.service.backcheck.VoiceTrial;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.Voice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code chorus check}: speaks a sentence set with each voice and prints a row per voice for voice QA before a
 * deployment: the word error rate of what PocketSphinx hears (for languages it understands), integrated loudness,
 * clipping, silence and the real-time factor of synthesis.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Speak check sentences with each voice and print word error rate, loudness, clipping and "
                + "real-time factor.")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--voice"}, paramLabel = "VOICE",
            description = "A voice to check (repeatable; default: the default voice).")
    List<String> voices = new ArrayList<>();

    @Option(names = {"-f", "--sentences"}, paramLabel = "FILE",
            description = "Sentences to speak, one a line (# starts a comment; write numbers as words). Default: "
                    + "the built-in set of the voice's language.")
    Path sentences;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as JSON to FILE.")
    Path json;

    @Option(names = "--recognizer", paramLabel = "ID", defaultValue = "pocketsphinx",
            description = "The recognizer that scores the words: pocketsphinx (English, default) or paraformer.")
    String recognizerId;

    @Option(names = "--recognizer-setting", paramLabel = "KEY=VALUE",
            description = "A setting of the recognizer, as backcheck.<id>.KEY takes it (repeatable), e.g. "
                    + "dir=/models/paraformer-zh for paraformer.")
    java.util.Map<String, String> recognizerSettings = new java.util.LinkedHashMap<>();

    /** One voice's results. {@code wer} is NaN when no recognizer understands the voice's language. */
    record Row(String voice, String language, int sentences, double wer, double lufs, double clipping,
               double silence, double rtf) {
    }

    @Override
    public Integer call() {
        List<String> ids = voices.isEmpty() ? List.of(EngineRegistry.DEFAULT_VOICE) : voices;
        List<String> fromFile = sentences == null ? null : readSentences(sentences);
        List<Row> rows = new ArrayList<>();
        try (EngineRegistry registry = ids.size() == 1 ? Engines.forVoice(ids.getFirst()) : Engines.all();
             Recognizer recognizer = openRecognizer()) {
            for (String id : ids) {
                VoiceInfo info = registry.resolve(id.trim());
                List<String> set = fromFile != null ? fromFile : CheckSentences.builtIn(info.language())
                        .or(() -> CheckSentences.builtIn("en")).orElseThrow();
                rows.add(check(registry.voice(info.id()), info, set, recognizer));
            }
        }
        print(rows);
        if (json != null) {
            writeJson(rows);
        }
        return ExitCodes.OK;
    }

    private static Row check(Voice voice, VoiceInfo info, List<String> set, Recognizer recognizer) {
        VoiceTrial.Result r = VoiceTrial.run(voice, set, recognizer);
        SignalQuality q = r.quality();
        return new Row(info.id(), info.language(), r.sentences(), r.wer(), q.loudnessLufs(), q.clippingRatio(),
                q.silenceRatio(), r.rtf());
    }

    private Recognizer openRecognizer() {
        try {
            BackcheckSettings off = BackcheckSettings.OFF;
            return Backcheck.openRecognizer(new BackcheckSettings(off.mode(), off.sampleFraction(),
                    recognizerId.strip(), recognizerSettings, 1, off.queue(), off.maxSeconds()));
        } catch (EngineUnavailableException e) {
            spec.commandLine().getErr().println("chorus: no word error rate: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return null;
        }
    }

    private static List<String> readSentences(Path file) {
        try {
            return CheckSentences.read(file);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("sentences", e.getMessage());
        }
    }

    private void print(List<Row> rows) {
        PrintWriter out = spec.commandLine().getOut();
        int width = Math.max(5, rows.stream().mapToInt(r -> r.voice().length()).max().orElse(5));
        String head = "%-" + width + "s  %-10s  %9s  %6s  %7s  %8s  %7s  %6s%n";
        out.printf(Locale.ROOT, head, "VOICE", "LANGUAGE", "SENTENCES", "WER", "LUFS", "CLIPPING", "SILENCE", "RTF");
        for (Row r : rows) {
            out.printf(Locale.ROOT, head, r.voice(), r.language(), r.sentences(),
                    Double.isNaN(r.wer()) ? "-" : String.format(Locale.ROOT, "%.3f", r.wer()),
                    Double.isFinite(r.lufs()) ? String.format(Locale.ROOT, "%.1f", r.lufs()) : "-inf",
                    String.format(Locale.ROOT, "%.5f", r.clipping()), String.format(Locale.ROOT, "%.3f", r.silence()),
                    String.format(Locale.ROOT, "%.3f", r.rtf()));
        }
        out.flush();
    }

    private void writeJson(List<Row> rows) {
        StringBuilder b = new StringBuilder("[");
        for (Row r : rows) {
            b.append(b.length() > 1 ? ",\n " : "\n ").append('{')
                    .append("\"voice\":").append(quote(r.voice()))
                    .append(",\"language\":").append(quote(r.language()))
                    .append(",\"sentences\":").append(r.sentences())
                    .append(",\"wer\":").append(number(r.wer()))
                    .append(",\"lufs\":").append(number(r.lufs()))
                    .append(",\"clipping\":").append(number(r.clipping()))
                    .append(",\"silence\":").append(number(r.silence()))
                    .append(",\"rtf\":").append(number(r.rtf())).append('}');
        }
        b.append("\n]\n");
        try {
            Files.writeString(json, b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
        }
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}

package dev.chorus.app;

import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.runtime.VoiceDefaults;
import dev.chorus.service.Caller;
import dev.chorus.service.CompleteAudio;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.TextOptions;
import dev.chorus.ssml.SsmlParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code chorus say}: speaks text into an audio file or stdout. */
@Command(name = "say", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Speak text into an audio file (or stdout with -o -).",
        footer = {"", "Exit status: 0 ok, 1 synthesis failed, 2 bad input, 3 unknown voice, 4 engine unavailable,"
                + " 5 file error."})
final class SayCommand implements Callable<Integer> {

    /** Inputs longer than this many characters show a progress bar on a terminal. */
    private static final int PROGRESS_THRESHOLD = 400;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Text to speak (words are joined with spaces).")
    List<String> words;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the text from FILE ('-' = stdin).")
    String file;

    @Option(names = {"-v", "--voice"}, paramLabel = "VOICE",
            description = "Voice id, e.g. hmm:cmu-slt-hsmm (default) or espeak:en-us; see 'chorus voices'.")
    String voice;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "Where to write the audio ('-' = stdout).")
    String output;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "wav, pcm (16-bit little-endian mono), mp3, opus, flac, aac (needs ffmpeg), mulaw, alaw,"
                    + " wav_mulaw or wav_alaw. Default: from the file name, else wav.")
    String format;

    @Option(names = "--sample-rate", paramLabel = "HZ", defaultValue = "0",
            description = "Output sample rate: 8000, 11025, 16000, 22050, 24000, 32000, 44100 or 48000 (G.711: 8000)."
                    + " Default: the voice's own rate.")
    int sampleRate;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1.0",
            description = "Speaking rate, 0.25 to 4.0 (default 1.0).")
    double speed;

    @Option(names = "--pitch", paramLabel = "SEMITONES", defaultValue = "0",
            description = "Pitch change, -12 to 12 semitones (default 0).")
    double pitch;

    @Option(names = "--volume", paramLabel = "DB", defaultValue = "0",
            description = "Gain, -60 to 20 dB (default 0); loud audio is limited, never wrapped.")
    double volume;

    @Option(names = "--ssml", description = "Read the input as SSML (default: SSML when it starts with <speak).")
    boolean ssml;

    @Option(names = "--plain", description = "Read the input as plain text even if it starts with <speak.")
    boolean plain;

    @Option(names = "--no-normalize", negatable = false,
            description = "Do not read numbers, money, dates and abbreviations as words.")
    boolean noNormalize;

    @Option(names = "--lexicon", paramLabel = "FILE",
            description = "Custom pronunciations: a YAML lexicon or a W3C PLS file (repeatable).")
    List<Path> lexicons;

    @Option(names = "--marks", paramLabel = "FILE",
            description = "Also write speech marks (one JSON object per sentence, word and mark) to FILE.")
    Path marks;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        String text = readText();
        AudioEncoding encoding = encoding();
        if (ssml && plain) {
            throw new InvalidInputException("input_format", "give --ssml or --plain, not both");
        }
        TextOptions.Format inputFormat = ssml ? TextOptions.Format.SSML
                : plain ? TextOptions.Format.TEXT : TextOptions.Format.AUTO;
        SpeechInput input = new SpeechInput(text, "input", null, voice,
                new SynthesisOptions(speed, null, pitch, volume), encoding, sampleRate,
                new TextOptions(inputFormat, !noNormalize, List.of()), null, false);
        boolean markup = ssml || (!plain && SsmlParser.looksLikeSsml(text));
        PrintWriter err = spec.commandLine().getErr();
        Synthesizer.Builder builder = Synthesizer.builder()
                .registry(markup ? Engines.all() : Engines.forVoice(voice));
        if (lexicons != null) {
            for (Path p : lexicons) {
                builder.lexicon(Lexicons.load(p));
            }
        }
        try (Synthesizer synth = builder.build(); SpeechMarksFile marksOut = SpeechMarksFile.open(marks)) {
            // The same pipeline as the server's, without its network-facing stages (no tenants, rules or cache).
            SpeechService service = SpeechService.builder(Synthesis.local(synth),
                    new VoiceRouter(synth.registry(), VoiceDefaults.aliases())).parser(synth.parser()).build();
            PreparedSpeech prepared = service.prepare(input);
            boolean progress = showProgress(text);
            SynthesisSummary summary = "-".equals(output) ? toStdout(service, prepared, marksOut, progress)
                    : toFile(service, prepared, Path.of(output), marksOut, progress);
            marksOut.commit();
            if (!quiet) {
                err.printf(Locale.ROOT, "chorus: %s: %.2f s of audio at %d Hz (%s, %d characters) in %.2f s,"
                                + " first audio after %.2f s%n",
                        "-".equals(output) ? "stdout" : output, summary.audioSeconds(), summary.sampleRate(),
                        summary.voice(), summary.characters(), summary.total().toMillis() / 1000.0,
                        summary.timeToFirstAudio().toMillis() / 1000.0);
                err.flush();
            }
            return ExitCodes.OK;
        }
    }

    private static SynthesisSummary toStdout(SpeechService service, PreparedSpeech prepared,
                                             SpeechMarksFile marksOut, boolean progress) throws IOException {
        OutputStream out = new BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), 1 << 16);
        return speak(service, prepared, out, marksOut, progress);
    }

    /**
     * Writes to a temporary file beside the target and moves it into place, so a failure or an interruption
     * (Ctrl-C, SIGTERM) leaves no half file.
     */
    private static SynthesisSummary toFile(SpeechService service, PreparedSpeech prepared, Path target,
                                           SpeechMarksFile marksOut, boolean progress) throws IOException {
        try (PartFile file = PartFile.beside(target)) {
            SynthesisSummary s;
            try (OutputStream out = new BufferedOutputStream(file.open(), 1 << 16)) {
                s = speak(service, prepared, out, marksOut, progress);
            }
            byte[] header = CompleteAudio.finalHeader(prepared.request().encoding(), s);
            if (header != null) {
                // The encoder streams, so its header says "length unknown"; a file can carry the real lengths.
                try (FileChannel ch = FileChannel.open(file.part(), StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(header), 0);
                } catch (IOException e) {
                    throw file.named(e);
                }
            }
            file.commit();
            return s;
        }
    }

    private static SynthesisSummary speak(SpeechService service, PreparedSpeech prepared, OutputStream out,
                                          SpeechMarksFile marksOut, boolean progress) throws IOException {
        StreamedAudio audio = new StreamedAudio(out, marksOut, progress);
        return audio.await(service.serve(prepared, Caller.ANONYMOUS, audio));
    }

    private String readText() throws IOException {
        boolean hasWords = words != null && !words.isEmpty();
        if (hasWords && file != null) {
            throw new InvalidInputException("input", "give the text either as arguments or with --file, not both");
        }
        if (hasWords) {
            return String.join(" ", words);
        }
        if (file != null && !"-".equals(file)) {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        }
        if (file == null && System.console() != null && System.console().isTerminal()) {
            throw new InvalidInputException("input", "no text: give it as arguments, with --file FILE, or on stdin");
        }
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private AudioEncoding encoding() {
        if (format != null) {
            return AudioEncoding.parse(format);
        }
        String name = output.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "pcm", "raw" -> AudioEncoding.PCM;
            case "mp3" -> AudioEncoding.MP3;
            case "opus", "ogg", "oga" -> AudioEncoding.OPUS;
            case "flac" -> AudioEncoding.FLAC;
            case "aac" -> AudioEncoding.AAC;
            case "ulaw", "mulaw", "ul" -> AudioEncoding.MULAW;
            case "alaw", "al" -> AudioEncoding.ALAW;
            default -> AudioEncoding.WAV;
        };
    }

    /** Tells whether to show a progress bar: for long input, on a terminal, unless quiet. */
    private boolean showProgress(String text) {
        return !quiet && text.length() >= PROGRESS_THRESHOLD && System.console() != null
                && System.console().isTerminal();
    }
}

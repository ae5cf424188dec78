package dev.chorus.app;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.tts.VoiceInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code chorus voices}: lists installed voices as a table. */
@Command(name = "voices", mixinStandardHelpOptions = true, description = "List the installed voices.",
        footer = {"", "Exit status: 0 voices listed, 3 no installed voice matches --language or --engine."})
final class VoicesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-l", "--language"}, paramLabel = "TAG",
            description = "Only voices whose language starts with TAG, e.g. en or en-GB.")
    String language;

    @Option(names = {"-e", "--engine"}, paramLabel = "ENGINE", description = "Only voices of this engine.")
    String engine;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (EngineRegistry registry = Engines.all()) {
            List<VoiceInfo> voices = registry.voices().stream().filter(this::matches).toList();
            if (voices.isEmpty() && (language != null || engine != null)) {
                registry.unavailable().forEach((id, why) -> err.println("chorus: engine '" + id + "' unavailable: "
                        + why));
                err.println("chorus: " + nothingMatches(registry.voices()));
                err.flush();
                return ExitCodes.VOICE_NOT_FOUND;
            }
            int idWidth = Math.max(2, voices.stream().mapToInt(v -> v.id().length()).max().orElse(2));
            String row = "%-" + idWidth + "s  %-14s  %-7s  %-7s  %s%n";
            out.printf(Locale.ROOT, row, "ID", "LANGUAGE", "GENDER", "ENGINE", "SAMPLE RATE");
            for (VoiceInfo v : voices) {
                out.printf(Locale.ROOT, row, v.id(), v.language(), v.gender().name().toLowerCase(Locale.ROOT),
                        v.engine(), v.sampleRate());
            }
            out.flush();
            registry.unavailable().forEach((id, why) -> err.println("chorus: engine '" + id + "' unavailable: " + why));
            err.flush();
            return ExitCodes.OK;
        }
    }

    /** Says which filter found nothing, and what there is to choose from. */
    private String nothingMatches(List<VoiceInfo> all) {
        String asked = (language != null ? "language '" + language + "'" : "")
                + (language != null && engine != null ? " and " : "")
                + (engine != null ? "engine '" + engine + "'" : "");
        return "no installed voice matches " + asked + " (" + choices(all.stream().map(VoiceInfo::language),
                "language") + "; " + choices(all.stream().map(VoiceInfo::engine), "engine")
                + "; 'chorus voices' lists them all)";
    }

    /** Names up to ten distinct values, else counts them. */
    private static String choices(java.util.stream.Stream<String> values, String what) {
        List<String> distinct = values.distinct().sorted().toList();
        if (distinct.isEmpty()) {
            return "no " + what + "s installed";
        }
        return distinct.size() <= 10 ? what + "s: " + String.join(", ", distinct)
                : distinct.size() + " " + what + "s installed";
    }

    private boolean matches(VoiceInfo v) {
        if (engine != null && !v.engine().equalsIgnoreCase(engine)) {
            return false;
        }
        if (language == null) {
            return true;
        }
        return EngineRegistry.languageMatches(v.language(), language);
    }
}

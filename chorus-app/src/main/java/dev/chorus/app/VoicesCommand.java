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
@Command(name = "voices", mixinStandardHelpOptions = true, description = "List the installed voices.")
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

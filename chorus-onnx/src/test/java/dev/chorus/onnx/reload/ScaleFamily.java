package dev.chorus.onnx.reload;

import dev.chorus.onnx.ModelLoadException;
import dev.chorus.onnx.ScaleModel;
import dev.chorus.onnx.SessionFactory;
import dev.chorus.onnx.SessionSettings;
import dev.chorus.tts.Gender;
import dev.chorus.tts.VoiceInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A generic family for the tests: a voice is {@code NAME.scale.onnx} (a {@link ScaleModel}) with {@code NAME.rate}
 * beside it, whose text is the voice's sample rate.
 */
final class ScaleFamily implements ModelFamily<ScaleModel> {

    final SessionFactory sessions = SessionFactory.open("scale", "scale.device", SessionSettings.cpu());
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public String engineId() {
        return "scale";
    }

    @Override
    public Optional<VoiceFiles> recognise(Path file) {
        String f = file.getFileName().toString();
        if (!f.endsWith(".scale.onnx")) {
            return Optional.empty();
        }
        String name = f.substring(0, f.length() - ".scale.onnx".length());
        return Optional.of(new VoiceFiles(name, file,
                List.of(new VoiceFiles.Companion(file.resolveSibling(name + ".rate"), "its sample rate"))));
    }

    @Override
    public ScaleModel load(VoiceFiles files, int version, List<byte[]> contents) throws ModelLoadException {
        rate(files, contents);
        loads.incrementAndGet();
        return ScaleModel.load(sessions, files.primary(), contents.get(0), 2, closed);
    }

    private static int rate(VoiceFiles files, List<byte[]> contents) throws ModelLoadException {
        String text = new String(contents.get(1), StandardCharsets.UTF_8).strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ModelLoadException(files.companions().getFirst().file(), "'" + text
                    + "' (expected: a sample rate in Hz)");
        }
    }

    @Override
    public List<VoiceInfo> voices(ModelVersion<ScaleModel> version) {
        return List.of(new VoiceInfo("scale:" + version.name(), version.name(), "en-US", Gender.UNKNOWN, 16_000,
                "scale", Integer.toString(version.version()), false));
    }
}

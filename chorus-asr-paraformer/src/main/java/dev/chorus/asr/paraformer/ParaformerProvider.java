package dev.chorus.asr.paraformer;

import dev.chorus.asr.Recognizer;
import dev.chorus.asr.RecognizerProvider;
import dev.chorus.asr.paraformer.internal.ParaformerRecognizer;

import java.util.Map;

/**
 * Speech recognition with a Paraformer model in the ONNX layout sherpa-onnx and FunASR publish (such as
 * {@code sherpa-onnx-paraformer-zh-2023-09-14}): a directory with {@code model.onnx} or {@code model.int8.onnx}
 * and {@code tokens.txt}. Settings (server settings {@code backcheck.paraformer.<key>}): {@code dir} (required),
 * {@code model} (the file in it), {@code languages} (default {@code zh}) and {@code threads} (default 1).
 */
public final class ParaformerProvider implements RecognizerProvider {

    /** The family's id. */
    public static final String ID = "paraformer";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Recognizer open(int workers, Map<String, String> settings) {
        return ParaformerRecognizer.open(workers, settings);
    }
}

package dev.chorus.asr.pocketsphinx;

import dev.chorus.asr.Recognizer;
import dev.chorus.asr.RecognizerProvider;
import dev.chorus.asr.pocketsphinx.internal.PocketSphinxRecognizer;

import java.util.Map;

/**
 * English speech recognition with PocketSphinx 5prealpha (Debian {@code libpocketsphinx3}) and its US English
 * model ({@code pocketsphinx-en-us}), in-process through {@code java.lang.foreign}. Settings:
 * {@code library} (default: Debian's {@code libpocketsphinx.so.3}, else the loader's search path) and
 * {@code model} (a directory holding {@code en-us/}, {@code en-us.lm.bin} and {@code cmudict-en-us.dict};
 * default {@code /usr/share/pocketsphinx/model/en-us}).
 */
public final class PocketSphinxProvider implements RecognizerProvider {

    @Override
    public String id() {
        return "pocketsphinx";
    }

    @Override
    public Recognizer open(int workers, Map<String, String> settings) {
        return PocketSphinxRecognizer.open(workers, settings);
    }
}

package dev.chorus.service;

import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.VoiceInfo;

import java.util.function.LongSupplier;

/**
 * What the pipeline tells a front end's telemetry about one request: its labels, the stages' times, first audio
 * and the outcome. Called from the request's thread and the engines' threads; implementations are thread-safe.
 * Every method has a no-op default, so a front end records only what it shows.
 */
public interface SpeechTelemetry {

    /** Records nothing. */
    SpeechTelemetry NONE = new SpeechTelemetry() { };

    /** Learns the output format. */
    default void format(AudioEncoding encoding) {
    }

    /** Learns the input text (a front end may log it). */
    default void input(String text) {
    }

    /** Learns the voice the request resolved to, before any synthesis (cache hits are counted under it too). */
    default void resolved(VoiceInfo voice) {
    }

    /** Returns the observer of the synthesis's stages; {@code clock} is the clock its times are read from. */
    default SynthesisObserver observer(LongSupplier clock) {
        return SynthesisObserver.NONE;
    }

    /** Adds time spent encoding. */
    default void encoded(long nanos) {
    }

    /** The first audio is about to be handed to the client (called again later; only the first counts). */
    default void firstAudio() {
    }

    /** The request's own synthesis completed. */
    default void completed(SynthesisSummary summary) {
    }

    /** The audio cache answered the request (no synthesis of its own): the audio it was served. */
    default void served(SynthesisSummary summary) {
    }

    /** The request failed, before its synthesis or during it. */
    default void failed(Throwable error) {
    }
}

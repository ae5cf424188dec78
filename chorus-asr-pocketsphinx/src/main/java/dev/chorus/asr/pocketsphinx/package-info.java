/** The {@code pocketsphinx} recognizer: English speech recognition on the system's PocketSphinx. */
package dev.chorus.asr.pocketsphinx;

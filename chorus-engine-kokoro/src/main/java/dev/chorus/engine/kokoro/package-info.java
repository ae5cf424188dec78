/** The {@code kokoro} engine's provider and the names of its settings. */
package dev.chorus.engine.kokoro;

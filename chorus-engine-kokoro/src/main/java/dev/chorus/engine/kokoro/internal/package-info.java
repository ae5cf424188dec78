/** The {@code kokoro} engine's implementation: model directories, vocabulary, styles and blends, synthesis. */
package dev.chorus.engine.kokoro.internal;

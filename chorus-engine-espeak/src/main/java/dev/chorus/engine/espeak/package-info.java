/**
 * The {@code espeak} engine's provider and setting names; the implementation lives in the unexported
 * {@code internal} package.
 */
package dev.chorus.engine.espeak;

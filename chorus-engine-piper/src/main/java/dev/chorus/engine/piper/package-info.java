/**
 * The {@code piper} engine's provider and voice type. Implementation classes live in {@code internal}.
 */
package dev.chorus.engine.piper;

/**
 * Parses SSML: {@link dev.chorus.ssml.SsmlParser} reads a document within {@link dev.chorus.ssml.SsmlLimits}
 * and returns an {@link dev.chorus.ssml.SsmlDocument}, a flat list of {@link dev.chorus.ssml.Segment}s, each
 * {@link dev.chorus.ssml.Segment.Text} carrying the {@link dev.chorus.ssml.Style} in force and its offsets in the
 * original input.
 */
package dev.chorus.ssml;

package dev.chorus.ssml;

import java.util.List;

/**
 * A parsed SSML document: what to say, in order, as a flat list of segments.
 *
 * @param segments text runs, breaks, marks and boundaries in reading order; may hold no {@link Segment.Text} at
 *                 all, for {@code <speak/>} or a document of breaks, and it is the runtime's call whether that is
 *                 acceptable
 * @param warnings what the parser accepted but does not honor, such as an {@code <audio>} it does not fetch, each
 *                 with its line and column; empty when everything was understood
 * @param language the {@code xml:lang} of {@code <speak>}, or {@code null}
 */
public record SsmlDocument(List<Segment> segments, List<String> warnings, String language) {

    /** Copies the lists so the record stays immutable. */
    public SsmlDocument {
        segments = List.copyOf(segments);
        warnings = List.copyOf(warnings);
    }

    /** Returns the text segments only, in order. */
    public List<Segment.Text> texts() {
        return segments.stream().filter(Segment.Text.class::isInstance).map(Segment.Text.class::cast).toList();
    }

    /** Returns whether some segment has something to speak: non-blank text or a pronunciation. */
    public boolean hasSpeech() {
        return texts().stream().anyMatch(t -> !t.text().isBlank() || t.style().phoneme() != null);
    }

    /**
     * Returns the spoken text on one line, for logs: the texts joined, a space wherever a break or boundary falls,
     * and every run of whitespace collapsed to one space.
     */
    public String plainText() {
        StringBuilder out = new StringBuilder();
        for (Segment segment : segments) {
            switch (segment) {
                case Segment.Text text -> out.append(text.text());
                case Segment.Break ignored -> out.append(' ');
                case Segment.Boundary ignored -> out.append(' ');
                case Segment.Mark ignored -> {
                }
            }
        }
        return out.toString().replaceAll("\\s+", " ").strip();
    }
}

package dev.chorus.ssml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Collects segments in order and keeps the plan tidy: consecutive character data in one style becomes one
 * {@link Segment.Text}; whitespace-only character data is kept only between spoken text (so indentation around
 * elements yields no segments); boundaries never repeat and never open the plan.
 */
final class SegmentBuilder {

    /** A run of character data still growing. */
    private static final class Run {
        final StringBuilder text = new StringBuilder();
        final int start;
        int end;
        final Style style;

        Run(String text, int start, int end, Style style) {
            this.text.append(text);
            this.start = start;
            this.end = end;
            this.style = style;
        }

        void append(String more, int moreEnd) {
            text.append(more);
            end = moreEnd;
        }
    }

    private final List<Segment> segments = new ArrayList<>();
    private final Deque<Run> pendingSpace = new ArrayDeque<>();
    private Run open;
    private boolean textSinceBoundary;

    /** Adds character data spoken in {@code style}, merging it with the run before when the style is the same. */
    void characters(String text, int start, int end, Style style) {
        if (text.isEmpty()) {
            return;
        }
        if (isXmlSpace(text)) {
            if (pendingSpace.isEmpty() && open != null && open.style.equals(style)) {
                open.append(text, end);
            } else if (open != null || !pendingSpace.isEmpty() || lastIsTextOrMark()) {
                Run last = pendingSpace.peekLast();
                if (last != null && last.style.equals(style)) {
                    last.append(text, end);
                } else {
                    pendingSpace.addLast(new Run(text, start, end, style));
                }
            }
            return;
        }
        flushPendingSpace();
        append(new Run(text, start, end, style));
        textSinceBoundary = true;
    }

    /** Adds text that must stay a segment of its own: the reading of a say-as, phoneme or sub. */
    void unit(String text, int start, int end, Style style) {
        flushPendingSpace();
        closeOpen();
        segments.add(new Segment.Text(text, start, end, style));
        textSinceBoundary = true;
    }

    /** Adds a pause; whitespace waiting before it is dropped. */
    void pause(long millis, int start, int end) {
        pendingSpace.clear();
        closeOpen();
        segments.add(new Segment.Break(millis, start, end));
    }

    /** Adds a mark. */
    void mark(String name, int start, int end) {
        flushPendingSpace();
        closeOpen();
        segments.add(new Segment.Mark(name, start, end));
    }

    /** Adds a boundary, unless nothing precedes it; next to another boundary, the two become the stronger one. */
    void boundary(Segment.Boundary.Kind kind) {
        pendingSpace.clear();
        closeOpen();
        textSinceBoundary = false;
        if (segments.isEmpty()) {
            return;
        }
        if (segments.getLast() instanceof Segment.Boundary previous) {
            if (previous.kind() == Segment.Boundary.Kind.SENTENCE && kind == Segment.Boundary.Kind.PARAGRAPH) {
                segments.set(segments.size() - 1, new Segment.Boundary(kind));
            }
            return;
        }
        segments.add(new Segment.Boundary(kind));
    }

    /** Returns whether text was added since the last boundary. */
    boolean textSinceBoundary() {
        return textSinceBoundary;
    }

    /** Returns the finished plan. */
    List<Segment> finish() {
        pendingSpace.clear();
        closeOpen();
        return segments;
    }

    private void flushPendingSpace() {
        while (!pendingSpace.isEmpty()) {
            append(pendingSpace.removeFirst());
        }
    }

    private void append(Run run) {
        if (open != null && open.style.equals(run.style)) {
            open.append(run.text.toString(), run.end);
        } else {
            closeOpen();
            open = run;
        }
    }

    private void closeOpen() {
        if (open != null) {
            segments.add(new Segment.Text(open.text.toString(), open.start, open.end, open.style));
            open = null;
        }
    }

    private boolean lastIsTextOrMark() {
        if (segments.isEmpty()) {
            return false;
        }
        Segment last = segments.getLast();
        return last instanceof Segment.Text || last instanceof Segment.Mark;
    }

    private static boolean isXmlSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!SourceScanner.isXmlSpace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}

package dev.chorus.ssml;

import java.util.Arrays;

/**
 * Turns offsets into 1-based line and column numbers. A line ends at {@code \n}, {@code \r\n} or a lone
 * {@code \r}, as in XML; columns count UTF-16 chars.
 */
final class SourceLocator {

    private final String source;
    private int[] lineStarts;

    SourceLocator(String source) {
        this.source = source;
    }

    /** Returns {@code "line L, column C"} for an offset. */
    String describe(int offset) {
        int[] starts = lineStarts();
        int index = Arrays.binarySearch(starts, offset);
        int line = index >= 0 ? index : -index - 2;
        return "line " + (line + 1) + ", column " + (offset - starts[line] + 1);
    }

    private int[] lineStarts() {
        if (lineStarts == null) {
            int[] starts = new int[16];
            int count = 1;
            int n = source.length();
            for (int i = 0; i < n; i++) {
                char c = source.charAt(i);
                if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < n && source.charAt(i + 1) == '\n') {
                        i++;
                    }
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, count * 2);
                    }
                    starts[count++] = i + 1;
                }
            }
            lineStarts = Arrays.copyOf(starts, count);
        }
        return lineStarts;
    }
}

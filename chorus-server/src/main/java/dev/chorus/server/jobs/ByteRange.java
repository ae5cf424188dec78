package dev.chorus.server.jobs;

/**
 * One byte range of a {@code Range} header over an object of known size (RFC 9110 §14.1.2): {@code START-END},
 * {@code START-} or {@code -SUFFIX}. Several ranges, other units or a malformed header are ignored (the whole
 * object is served, as the RFC allows); a well-formed range that lies past the end is unsatisfiable (416).
 *
 * @param start  the first byte
 * @param length how many bytes
 */
record ByteRange(long start, long length) {

    /** The marker of a range that no byte of the object satisfies. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    /** Returns the range {@code header} asks for in an object of {@code size} bytes, or null for all of it. */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                long n = Math.min(suffix, size);
                return new ByteRange(size - n, n);
            }
            long start = Long.parseLong(a);
            long end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (start < 0 || (!b.isEmpty() && Long.parseLong(b) < start)) {
                return null;
            }
            if (start >= size) {
                return UNSATISFIABLE;
            }
            return new ByteRange(start, end - start + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package dev.chorus.safety;

import java.util.function.LongSupplier;

/**
 * A {@link CharSequence} that gives up once a deadline passes: the regular-expression engine reads the input only
 * through {@link #charAt}, so a pattern that backtracks without end (such as {@code (a+)+$} on "aaa…ab") is cut
 * off by a {@link Timeout} thrown from there. The clock is read once every {@value #CHECK_EVERY} reads.
 */
final class DeadlineCharSequence implements CharSequence {

    private static final int CHECK_EVERY = 1024;

    /** Thrown from {@link #charAt} once the deadline has passed. */
    static final class Timeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Timeout() {
            super("regular expression ran past its time limit", null, false, false);
        }
    }

    private final CharSequence text;
    private final long deadline;
    private final LongSupplier ticker;
    private int reads;

    DeadlineCharSequence(CharSequence text, long deadlineNanos, LongSupplier ticker) {
        this.text = text;
        this.deadline = deadlineNanos;
        this.ticker = ticker;
    }

    @Override
    public char charAt(int index) {
        if (++reads >= CHECK_EVERY) {
            reads = 0;
            if (ticker.getAsLong() - deadline > 0) {
                throw new Timeout();
            }
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new DeadlineCharSequence(text.subSequence(start, end), deadline, ticker);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}

package dev.chorus.text;

import java.time.Month;

/** Checks on the numbers a date is written with, shared by the English and Chinese rules and {@link SayAs}. */
final class DateFields {

    private DateFields() {
    }

    /** Returns whether {@code day} is a day of {@code month} in some year: February has 29. */
    static boolean isValid(int month, int day) {
        return month >= 1 && month <= 12 && day >= 1 && day <= Month.of(month).maxLength();
    }
}

package dev.chorus.text;

import java.util.List;
import java.util.Set;

/** English names of the units written after a number: symbol, singular and plural. */
final class EnglishUnitTable {

    /** A unit: its symbol as written and the names it is read with. */
    record Unit(String symbol, String singular, String plural) {
    }

    /** Units after a number, longest first where one symbol is a prefix of another, as they are tried in order. */
    static final List<Unit> UNITS = List.of(
            new Unit("km/h", "kilometer per hour", "kilometers per hour"),
            new Unit("m/s", "meter per second", "meters per second"),
            new Unit("\u00B0C", "degree Celsius", "degrees Celsius"),
            new Unit("\u00B0F", "degree Fahrenheit", "degrees Fahrenheit"),
            new Unit("\u00B0", "degree", "degrees"),
            new Unit("kph", "kilometer per hour", "kilometers per hour"),
            new Unit("mph", "mile per hour", "miles per hour"),
            new Unit("mAh", "milliamp hour", "milliamp hours"),
            new Unit("GHz", "gigahertz", "gigahertz"),
            new Unit("MHz", "megahertz", "megahertz"),
            new Unit("kHz", "kilohertz", "kilohertz"),
            new Unit("Hz", "hertz", "hertz"),
            new Unit("kWh", "kilowatt hour", "kilowatt hours"),
            new Unit("kW", "kilowatt", "kilowatts"),
            new Unit("km", "kilometer", "kilometers"),
            new Unit("kg", "kilogram", "kilograms"),
            new Unit("mg", "milligram", "milligrams"),
            new Unit("\u03BCg", "microgram", "micrograms"),
            new Unit("cm", "centimeter", "centimeters"),
            new Unit("mm", "millimeter", "millimeters"),
            new Unit("\u03BCm", "micrometer", "micrometers"),
            new Unit("nm", "nanometer", "nanometers"),
            new Unit("ml", "milliliter", "milliliters"),
            new Unit("mL", "milliliter", "milliliters"),
            new Unit("L", "liter", "liters"),
            new Unit("TB", "terabyte", "terabytes"),
            new Unit("GB", "gigabyte", "gigabytes"),
            new Unit("MB", "megabyte", "megabytes"),
            new Unit("KB", "kilobyte", "kilobytes"),
            new Unit("kB", "kilobyte", "kilobytes"),
            new Unit("Gbps", "gigabit per second", "gigabits per second"),
            new Unit("Mbps", "megabit per second", "megabits per second"),
            new Unit("ms", "millisecond", "milliseconds"),
            new Unit("\u03BCs", "microsecond", "microseconds"),
            new Unit("ns", "nanosecond", "nanoseconds"),
            new Unit("secs", "second", "seconds"),
            new Unit("sec", "second", "seconds"),
            new Unit("mins", "minute", "minutes"),
            new Unit("min", "minute", "minutes"),
            new Unit("hrs", "hour", "hours"),
            new Unit("hr", "hour", "hours"),
            new Unit("yrs", "year", "years"),
            new Unit("yr", "year", "years"),
            new Unit("lbs", "pound", "pounds"),
            new Unit("lb", "pound", "pounds"),
            new Unit("oz", "ounce", "ounces"),
            new Unit("tbsp", "tablespoon", "tablespoons"),
            new Unit("tsp", "teaspoon", "teaspoons"),
            new Unit("gal", "gallon", "gallons"),
            new Unit("qt", "quart", "quarts"),
            new Unit("ft", "foot", "feet"),
            new Unit("yd", "yard", "yards"),
            new Unit("mi", "mile", "miles"),
            new Unit("dB", "decibel", "decibels"),
            new Unit("px", "pixel", "pixels"),
            new Unit("in", "inch", "inches"),
            new Unit("m", "meter", "meters"),
            new Unit("g", "gram", "grams"),
            new Unit("s", "second", "seconds"),
            new Unit("h", "hour", "hours"),
            new Unit("W", "watt", "watts"),
            new Unit("V", "volt", "volts"));

    /** Units that are also common words: only read straight after the digits, as in "12in". */
    static final Set<String> ATTACHED_ONLY = Set.of("in");

    private EnglishUnitTable() {
    }
}

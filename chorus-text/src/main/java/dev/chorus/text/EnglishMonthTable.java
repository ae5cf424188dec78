package dev.chorus.text;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** English month names: the spellings a date may use, and the number of each month. */
final class EnglishMonthTable {

    private static final Map<String, Integer> NUMBERS = numbers();

    /**
     * Month names and their abbreviations, capitalized, as a regex alternation for the date patterns. It is made
     * from the table, longest first, so whatever a date pattern matches as a month has a number: a pattern of
     * its own once also matched "Sepember" ("Sep" then "ember"), which the table did not hold.
     */
    static final String NAMES = NUMBERS.keySet().stream()
            .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
            .map(name -> Character.toUpperCase(name.charAt(0)) + name.substring(1))
            .collect(Collectors.joining("|"));

    private EnglishMonthTable() {
    }

    private static Map<String, Integer> numbers() {
        String[][] names = {
            {"jan", "january"}, {"feb", "february"}, {"mar", "march"}, {"apr", "april"}, {"may"},
            {"jun", "june"}, {"jul", "july"}, {"aug", "august"}, {"sep", "sept", "september"},
            {"oct", "october"}, {"nov", "november"}, {"dec", "december"}};
        HashMap<String, Integer> index = new HashMap<>();
        for (int m = 0; m < names.length; m++) {
            for (String name : names[m]) {
                index.put(name, m + 1);
            }
        }
        return Map.copyOf(index);
    }

    /** Returns whether {@code name}, in any case, is a month name or abbreviation. */
    static boolean isMonth(String name) {
        return NUMBERS.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Returns the number (1 to 12) of the month {@code name}, in any case; {@code name} must be a month. */
    static int number(String name) {
        return NUMBERS.get(name.toLowerCase(Locale.ROOT));
    }
}

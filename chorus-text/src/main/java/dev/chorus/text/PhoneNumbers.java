package dev.chorus.text;

import java.util.ArrayList;
import java.util.List;

/** Phone numbers as they are said in English and in Chinese: digit by digit, group by group. */
final class PhoneNumbers {

    private PhoneNumbers() {
    }

    /** Counts the digits of {@code s}. */
    static int digitCount(String s) {
        int count = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Num.isDigit(s.charAt(i))) {
                count++;
            }
        }
        return count;
    }

    /**
     * Reads a phone number digit by digit, its groups separated by commas: {@code +1 (555) 123-4567} is
     * "plus one, five five five, one two three, four five six seven"; in Chinese 1 is 幺, as it is said on the
     * telephone ({@code 010-8888-6666} is 零幺零,八八八八,六六六六).
     */
    static String words(String number, boolean chinese) {
        List<String> groups = new ArrayList<>();
        StringBuilder group = new StringBuilder();
        for (int i = 0; i <= number.length(); i++) {
            char c = i < number.length() ? number.charAt(i) : ' ';
            if (Num.isDigit(c)) {
                group.append(c);
            } else if (c == '+') {
                groups.add(chinese ? "加" : "plus");
            } else if (!group.isEmpty()) {
                String digits = group.toString();
                String spoken = chinese ? ChineseNumbers.digits(digits).replace('一', '幺')
                        : EnglishNumbers.digits(digits);
                int last = groups.size() - 1;
                if (last >= 0 && (groups.get(last).equals("plus") || groups.get(last).equals("加"))) {
                    groups.set(last, groups.get(last) + (chinese ? "" : " ") + spoken);
                } else {
                    groups.add(spoken);
                }
                group.setLength(0);
            }
        }
        return String.join(chinese ? "," : ", ", groups);
    }
}

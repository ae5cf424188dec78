package dev.chorus.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SayAsTest {

    @ParameterizedTest(name = "[{0}] {1} as {2} {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            en-US | 1984         | cardinal   | -     | one thousand nine hundred eighty-four
            en-US | -7           | number     | -     | minus seven
            en-US | 1,234.5      | cardinal   | -     | one thousand two hundred thirty-four point five
            en-US | 3            | ordinal    | -     | third
            en-US | 21st         | ordinal    | -     | twenty-first
            en-US | AB12         | characters | -     | A B one two
            en-US | chorus       | spell-out  | -     | C H O R U S
            en-US | 1234         | digits     | -     | one two three four
            en-US | 11/25/2026   | date       | mdy   | November twenty-fifth, twenty twenty-six
            en-US | 25.11.2026   | date       | dmy   | November twenty-fifth, twenty twenty-six
            en-GB | 25.11.2026   | date       | dmy   | the twenty-fifth of November, twenty twenty-six
            en-US | 2026-11-25   | date       | ymd   | November twenty-fifth, twenty twenty-six
            en-US | 11/25        | date       | md    | November twenty-fifth
            en-US | 11/2026      | date       | my    | November twenty twenty-six
            en-US | 2026/11      | date       | ym    | November twenty twenty-six
            en-US | 2026         | date       | y     | twenty twenty-six
            en-US | 11           | date       | m     | November
            en-US | 25           | date       | d     | the twenty-fifth
            en-US | 2026-11-25   | date       | -     | November twenty-fifth, twenty twenty-six
            en-US | 13/45/2026   | date       | mdy   | 13/45/2026
            en-US | 21:30        | time       | hms12 | nine thirty p m
            en-US | 21:30        | time       | hms24 | twenty-one thirty
            en-US | 9:05am       | time       | hms24 | nine oh five
            en-US | 9:05am       | time       | -     | nine oh five a m
            en-US | 12:00        | time       | hms12 | twelve p m
            en-US | 0:15         | time       | hms12 | twelve fifteen a m
            en-US | 14:05:09     | time       | hms24 | fourteen oh five and nine seconds
            en-US | 555-123-4567 | telephone  | -     | five five five, one two three, four five six seven
            en-US | +1 800 555 0199 | telephone | -   | plus one, eight zero zero, five five five, zero one nine nine
            en-US | $5.20        | currency   | -     | five dollars and twenty cents
            en-US | 5.20         | currency   | EUR   | five euros and twenty cents
            en-US | 5.20         | currency   | -     | five dollars and twenty cents
            en-GB | 5.20         | currency   | -     | five pounds and twenty pence
            en-US | 3/4          | fraction   | -     | three quarters
            en-US | 1 1/2        | fraction   | -     | one and a half
            en-US | 5 km         | unit       | -     | five kilometers
            en-US | 1 kg         | unit       | -     | one kilogram
            en-US | $5           | vxml:magic | -     | five dollars
            en-US | hello        | whatever   | -     | hello
            en-US | 1984         | -          | -     | nineteen eighty-four
            zh-CN | 1984         | cardinal   | -     | 一千九百八十四
            zh-CN | 2000         | cardinal   | -     | 两千
            zh-CN | -3.5         | number     | -     | 负三点五
            zh-CN | 3            | ordinal    | -     | 第三
            zh-CN | 2            | ordinal    | -     | 第二
            zh-CN | AB12         | characters | -     | A B一二
            zh-CN | 2026         | digits     | -     | 二零二六
            zh-CN | 2026-11-25   | date       | ymd   | 二零二六年十一月二十五日
            zh-CN | 11-25        | date       | md    | 十一月二十五日
            zh-CN | 2026         | date       | y     | 二零二六年
            zh-CN | 21:30        | time       | hms24 | 二十一点三十分
            zh-CN | 21:30        | time       | hms12 | 下午九点三十分
            zh-CN | 9:05         | time       | hms12 | 上午九点零五分
            zh-CN | 138-1234-5678 | telephone | -     | 幺三八,幺二三四,五六七八
            zh-CN | 5.20         | currency   | -     | 五元二角
            zh-CN | $5           | currency   | -     | 五美元
            zh-CN | 5            | currency   | USD   | 五美元
            zh-CN | 3/4          | fraction   | -     | 四分之三
            zh-CN | 5km          | unit       | -     | 五公里
            zh-CN | 2个           | unknown    | -     | 两个
            de-DE | AB12         | characters | -     | A B 1 2
            de-DE | 1234         | digits     | -     | 1 2 3 4
            de-DE | 5            | cardinal   | -     | 5
            """)
    void readsAsAsked(String locale, String text, String interpretAs, String format, String expected) {
        assertThat(SayAs.verbalize(text, interpretAs, format, null, Locale.forLanguageTag(locale)))
                .isEqualTo(expected);
    }

    @Test
    void ignoresDetailAndReturnsNothingForBlankText() {
        assertThat(SayAs.verbalize("12", "cardinal", null, "2", Locale.US)).isEqualTo("twelve");
        assertThat(SayAs.verbalize(" \u200B ", "cardinal", null, null, Locale.US)).isEmpty();
    }

    @Test
    void rejectsNullTextAndLocale() {
        assertThatNullPointerException().isThrownBy(() -> SayAs.verbalize(null, "cardinal", null, null, Locale.US))
                .withMessage("text");
        assertThatNullPointerException().isThrownBy(() -> SayAs.verbalize("1", "cardinal", null, null, null))
                .withMessage("locale");
    }
}

package dev.chorus.text;

import java.util.Set;

/** Chinese measure words and units: before them, the number 2 is read 两 (两个, 两公里), not 二. */
final class ChineseMeasureTable {

    private static final Set<String> MEASURES = Set.of(
            "个", "位", "名", "只", "条", "张", "本", "件", "次", "天", "年", "岁", "块", "元", "角", "分", "斤",
            "米", "公里", "公斤", "千克", "克", "吨", "升", "杯", "瓶", "碗", "辆", "台", "部", "架", "双", "对",
            "家", "座", "间", "层", "页", "份", "种", "点", "小时", "分钟", "秒", "周", "星期", "倍", "口", "头",
            "匹", "棵", "支", "把", "片", "篇", "首", "句", "遍", "场", "届", "封", "门", "所", "栋", "艘", "颗",
            "粒", "项", "段", "节", "套", "盒", "箱", "袋", "包", "群", "批", "人", "美元", "欧元", "英镑", "日元",
            "港元", "万", "亿", "千", "百", "样", "声", "趟", "回", "下", "圈", "步", "眼", "笔", "根", "顿", "滴",
            "毛", "英里", "公顷", "亩", "度");

    private ChineseMeasureTable() {
    }

    /** Returns whether a measure word or unit of one or two characters starts at {@code i} of {@code text}. */
    static boolean startsAt(String text, int i) {
        if (i >= text.length()) {
            return false;
        }
        return MEASURES.contains(text.substring(i, i + 1))
                || (i + 2 <= text.length() && MEASURES.contains(text.substring(i, i + 2)));
    }
}

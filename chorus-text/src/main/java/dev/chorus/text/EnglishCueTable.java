package dev.chorus.text;

import java.util.Set;

/** Words next to a number that tell how to read it in English: as a year, a count, a room number or a numeral. */
final class EnglishCueTable {

    /** Words before a number that make it a year: "in 1066", "since 1990", "May 2026". */
    static final Set<String> YEAR_CUES = Set.of(
            "in", "since", "by", "from", "until", "till", "year", "of", "circa", "around", "before", "after",
            "during", "early", "late", "mid", "summer", "winter", "spring", "autumn", "fall", "born", "ca",
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december");

    /** Words before a number that introduce a count or an identifier, so the number is no year: "page 1234". */
    static final Set<String> COUNT_CUES = Set.of(
            "page", "pages", "number", "no", "item", "items", "chapter", "section",
            "model", "version", "step", "level", "code", "pin", "box", "unit", "line",
            "rule", "article", "episode", "vol", "volume", "issue",
            "figure", "fig", "table", "p", "pp", "id", "about", "over", "under", "nearly", "almost", "only",
            "exactly", "approximately", "some", "than", "total", "all", "these", "those", "the", "with", "had",
            "has", "have", "cost", "costs", "paid", "pay", "score", "scored", "sold", "bought", "earned",
            "weighs", "weighed");

    /** Words before a number that names a room, a flight or a road: read in pairs, "room twelve oh four". */
    static final Set<String> ID_CUES = Set.of(
            "room", "flight", "suite", "apt", "apartment", "bus", "route", "exit", "highway", "interstate", "track",
            "gate", "platform", "channel", "train");

    /** Eras after a number, which make it a year: "300 BC". */
    static final Set<String> ERAS = Set.of("AD", "BC", "BCE", "CE");

    /** Words after a number that do not name what is counted, so they leave a year a year. */
    static final Set<String> NON_NOUNS = Set.of(
            "and", "or", "but", "to", "was", "is", "were", "are", "be", "been", "when", "where", "while", "the",
            "a", "an", "in", "on", "at", "for", "with", "as", "saw", "had", "has", "have", "became", "began",
            "ended", "brought", "marked", "will", "would", "could", "should", "might", "may", "can", "did",
            "does", "which", "that", "who", "through", "until", "till", "before", "after", "then", "than",
            "onwards", "onward", "election", "season", "census", "edition", "model", "version", "olympics",
            "world", "ad", "bc", "ce", "bce");

    /** Words after "a 5 km" that show the amount is not describing a noun: "a 5 km or so". */
    static final Set<String> NOT_NOUNS_AFTER_AMOUNT = Set.of(
            "of", "per", "each", "a", "an", "the", "in", "on", "at", "for", "to", "and", "or", "more", "less",
            "than", "from", "away", "long", "wide", "tall", "high", "deep", "old", "ago", "later", "so");

    /** Words after which a Roman numeral is a plain number: "Chapter IV", "World War II". */
    static final Set<String> ROMAN_CUES = Set.of(
            "chapter", "part", "volume", "vol", "book", "act", "scene", "section", "phase", "type", "class",
            "level", "stage", "round", "episode", "article", "title", "war", "grade", "category", "appendix",
            "canto", "psalm", "series", "mark", "mk", "step", "unit", "schedule", "annex", "division", "apollo",
            "bowl", "tier", "figure", "table", "plate", "number", "movement", "symphony", "game");

    private EnglishCueTable() {
    }
}

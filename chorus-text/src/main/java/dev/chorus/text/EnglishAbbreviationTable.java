package dev.chorus.text;

import java.util.Map;
import java.util.Set;

/** English abbreviations and acronyms, and how each is said. */
final class EnglishAbbreviationTable {

    /** Everyday words that capitals make loud, not acronyms to spell. */
    static final Set<String> CAPITALIZED_WORDS = Set.of(
            "THE", "AND", "FOR", "ARE", "BUT", "NOT", "YOU", "ALL", "ANY", "CAN", "HAD", "HER", "WAS", "ONE",
            "OUR", "OUT", "DAY", "GET", "GOT", "HAS", "HIM", "HIS", "HOW", "NEW", "NOW", "OLD", "SEE", "TWO",
            "WAY", "WHO", "DID", "LET", "PUT", "SAY", "SHE", "TOO", "USE", "YES", "NO", "GO", "DO", "IS", "IN",
            "ON", "AT", "TO", "OF", "BE", "BY", "MY", "ME", "WE", "HE", "SO", "UP", "IF", "AN", "AS", "OH", "HI",
            "HEY", "WOW", "YAY", "HELLO", "HELP", "STOP", "WAIT", "LOOK", "NEVER", "EVER", "VERY", "WHAT", "WHY",
            "WHEN", "WHERE", "THIS", "THAT", "WITH", "FROM", "HAVE", "YOUR", "JUST", "LIKE", "LOVE", "GOOD",
            "BEST", "FREE", "SALE", "WILL", "MUST", "READ", "NOTE", "ALERT", "SOON", "BIG", "HOT", "NEWS", "DEAL",
            "HUGE", "LAST", "ONLY", "MORE", "MOST", "DONE", "OPEN", "CLOSED", "EXIT", "DANGER", "SORRY", "THANK",
            "THANKS", "PLEASE", "NOTICE", "WARNING", "GREAT", "AMAZING", "REALLY", "HERE", "THERE", "THEY",
            "THEM", "THEN", "WELL", "BACK", "BAD", "SAD", "FUN", "COOL", "NICE", "YEAH", "NOPE", "OOPS", "STAY",
            "KEEP", "CALL", "TODAY", "FIRE", "RUN", "COME", "DOWN", "OFF", "OVER", "LIVE", "WIN", "LOST");

    /** Acronyms said as words, not spelled: "NASA" is "Nasa". */
    static final Map<String, String> WORD_ACRONYMS = Map.ofEntries(
            Map.entry("NASA", "Nasa"), Map.entry("NATO", "Nato"), Map.entry("UNESCO", "Unesco"),
            Map.entry("UNICEF", "Unicef"), Map.entry("SCUBA", "scuba"), Map.entry("LASER", "laser"),
            Map.entry("RADAR", "radar"), Map.entry("SONAR", "sonar"), Map.entry("GIF", "gif"),
            Map.entry("JPEG", "jay peg"), Map.entry("PIN", "pin"), Map.entry("AIDS", "aids"),
            Map.entry("OPEC", "Opec"), Map.entry("FIFA", "Fifa"), Map.entry("NAFTA", "Nafta"),
            Map.entry("COVID", "Covid"), Map.entry("IKEA", "Ikea"), Map.entry("NASDAQ", "Nasdaq"),
            Map.entry("RAM", "ram"), Map.entry("ROM", "rom"), Map.entry("LAN", "lan"), Map.entry("WAN", "wan"),
            Map.entry("CAPTCHA", "captcha"), Map.entry("UNIX", "Unix"), Map.entry("LINUX", "Linux"),
            Map.entry("ASCII", "askee"), Map.entry("SIM", "sim"), Map.entry("POTUS", "Potus"),
            Map.entry("SWAT", "swat"), Map.entry("FEMA", "Fema"), Map.entry("OSHA", "Osha"),
            Map.entry("ZIP", "zip"), Map.entry("YOLO", "yolo"), Map.entry("NIMBY", "nimby"),
            Map.entry("ASAP", "A S A P"), Map.entry("OK", "okay"), Map.entry("WWI", "World War One"),
            Map.entry("WWII", "World War Two"));

    /** Titles before a name; these are expanded only when a capitalized word follows. */
    static final Map<String, String> TITLES = Map.ofEntries(
            Map.entry("Mr", "Mister"), Map.entry("Mrs", "Missus"), Map.entry("Ms", "Miz"),
            Map.entry("Prof", "Professor"), Map.entry("Gen", "General"), Map.entry("Capt", "Captain"),
            Map.entry("Lt", "Lieutenant"), Map.entry("Col", "Colonel"), Map.entry("Sgt", "Sergeant"),
            Map.entry("Rev", "Reverend"), Map.entry("Hon", "Honorable"), Map.entry("Gov", "Governor"),
            Map.entry("Sen", "Senator"), Map.entry("Rep", "Representative"), Map.entry("Pres", "President"),
            Map.entry("Mt", "Mount"), Map.entry("Ft", "Fort"), Map.entry("Messrs", "Messieurs"));

    /** Titles read as such even before a lowercase word or at the end. */
    static final Set<String> ALWAYS_TITLES = Set.of("Mr", "Mrs", "Ms", "Prof", "Messrs");

    /** Abbreviations that may end a sentence: the period stays when the text ends or a capital follows. */
    static final Map<String, String> FINAL_ABBREVIATIONS = Map.ofEntries(
            Map.entry("Ave", "Avenue"), Map.entry("Blvd", "Boulevard"), Map.entry("Rd", "Road"),
            Map.entry("Ln", "Lane"), Map.entry("Hwy", "Highway"), Map.entry("Sq", "Square"),
            Map.entry("Jr", "Junior"), Map.entry("Sr", "Senior"), Map.entry("Inc", "Incorporated"),
            Map.entry("Ltd", "Limited"), Map.entry("Co", "Company"), Map.entry("Corp", "Corporation"),
            Map.entry("Dept", "Department"), Map.entry("Univ", "University"), Map.entry("Bros", "Brothers"),
            Map.entry("etc", "et cetera"), Map.entry("Etc", "Et cetera"),
            Map.entry("Feb", "February"), Map.entry("Mar", "March"), Map.entry("Apr", "April"),
            Map.entry("Jun", "June"), Map.entry("Jul", "July"), Map.entry("Aug", "August"),
            Map.entry("Sep", "September"), Map.entry("Sept", "September"), Map.entry("Oct", "October"),
            Map.entry("Nov", "November"), Map.entry("Dec", "December"));

    /** Abbreviations inside a sentence: the period goes. */
    static final Map<String, String> INNER_ABBREVIATIONS = Map.ofEntries(
            Map.entry("vs", "versus"), Map.entry("Vs", "Versus"), Map.entry("approx", "approximately"),
            Map.entry("Approx", "Approximately"), Map.entry("incl", "including"), Map.entry("Incl", "Including"),
            Map.entry("esp", "especially"), Map.entry("Esp", "Especially"));

    /** Abbreviations read only before a number: "No. 5", "p. 12". */
    static final Map<String, String> NUMBER_ABBREVIATIONS = Map.ofEntries(
            Map.entry("No", "number"), Map.entry("no", "number"), Map.entry("Nos", "numbers"),
            Map.entry("nos", "numbers"), Map.entry("Vol", "volume"), Map.entry("vol", "volume"),
            Map.entry("p", "page"), Map.entry("pp", "pages"), Map.entry("Fig", "figure"),
            Map.entry("fig", "figure"), Map.entry("Ch", "chapter"), Map.entry("ch", "chapter"),
            Map.entry("ca", "circa"), Map.entry("c", "circa"), Map.entry("Ex", "example"),
            Map.entry("Pt", "part"), Map.entry("pt", "part"), Map.entry("Sec", "section"),
            Map.entry("sec", "section"), Map.entry("Art", "article"), Map.entry("art", "article"));

    private EnglishAbbreviationTable() {
    }
}

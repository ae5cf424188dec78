package dev.chorus.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Pronunciations that override how words are read: an entry matches a word ({@code grapheme}, whole words,
 * case-insensitive unless {@code caseSensitive}) or a Java regular expression ({@code regex}), and replaces it
 * with an {@code alias} to say instead, or keeps it and attaches {@code phoneme}s that engines able to take
 * phonemes use (see {@link PhonemeSpan}), or both.
 *
 * <p>The pipeline applies lexicons after the character cleanup and before numbers and abbreviations are put
 * into words, so an alias for {@code "k8s"} or {@code "Dr."} wins over the built-in readings; aliases are
 * themselves read like any text ({@code "version 2"} is said "version two"); words with phonemes are left
 * exactly as they are. Offsets of the result still map to the user's text.
 *
 * <p>Matching: at each position, the longest match of any entry wins, and of equally long ones the entry that
 * comes first. Replaced text is not matched again. Graphemes made of Chinese or Japanese characters match
 * anywhere, since such text has no spaces between words; others match only whole words. Regular expressions
 * are at most {@value #MAX_REGEX_LENGTH} chars and matched case-sensitively (write {@code (?i)} for otherwise);
 * one that backtracks too long on a text fails with an {@link IllegalArgumentException} rather than hanging.
 *
 * <p>Files: {@link #load(Path)} reads YAML ({@code .yaml}, {@code .yml}) or W3C PLS 1.0 XML ({@code .pls},
 * {@code .xml}). The YAML format:
 * <pre>{@code
 * lexicon:
 *   language: en            # optional: entries apply to locales whose tag starts with it
 *   entries:
 *     - grapheme: Chorus
 *       alias: Korus
 *       case-sensitive: true  # optional, default false
 *     - regex: "\\bk8s\\b"
 *       alias: kubernetes
 *     - grapheme: tomato
 *       phoneme: "təˈmeɪtoʊ"
 *       alphabet: ipa         # optional, default ipa
 * }</pre>
 * Errors name the file, the line and the entry.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Lexicon {

    /** Longest accepted regular expression, in chars. */
    public static final int MAX_REGEX_LENGTH = 500;

    /** The default phonetic alphabet. */
    public static final String IPA = "ipa";

    /** A lexicon without entries. */
    public static final Lexicon EMPTY = new Lexicon(List.of());

    /** Steps a regular expression may take per char of text, plus a fixed allowance, before it is stopped. */
    private static final long REGEX_STEPS_PER_CHAR = 2_000;
    private static final long REGEX_BASE_STEPS = 1_000_000;

    /**
     * One pronunciation.
     *
     * @param grapheme      the word or words to match, or {@code null} when {@code regex} is given
     * @param regex         a Java regular expression to match, or {@code null} when {@code grapheme} is given
     * @param caseSensitive whether {@code grapheme} must match in case too
     * @param alias         what to say instead, or {@code null} to keep the text
     * @param phoneme       the pronunciation in {@code alphabet}, or {@code null}
     * @param alphabet      the phonetic alphabet of {@code phoneme}; {@value Lexicon#IPA} when {@code null}
     */
    public record Entry(String grapheme, String regex, boolean caseSensitive, String alias, String phoneme,
                        String alphabet) {

        /** Checks that exactly one of grapheme and regex is given, and an alias or a phoneme. */
        public Entry {
            if ((grapheme == null) == (regex == null)) {
                throw new IllegalArgumentException("grapheme: " + quote(grapheme) + ", regex: " + quote(regex)
                        + " (expected: exactly one of grapheme and regex)");
            }
            if (grapheme != null && grapheme.isBlank()) {
                throw new IllegalArgumentException("grapheme: " + quote(grapheme) + " (expected: not blank)");
            }
            if (regex != null) {
                compile(regex);
            }
            if (alias == null && phoneme == null) {
                throw new IllegalArgumentException("alias: null, phoneme: null (expected: an alias, a phoneme "
                        + "or both)");
            }
            if (phoneme != null && phoneme.isBlank()) {
                throw new IllegalArgumentException("phoneme: " + quote(phoneme) + " (expected: not blank)");
            }
            alphabet = alphabet == null || alphabet.isBlank() ? IPA : alphabet;
        }

        /** An entry that says {@code alias} for the word {@code grapheme}. */
        public static Entry alias(String grapheme, String alias) {
            return new Entry(grapheme, null, false, Objects.requireNonNull(alias, "alias"), null, null);
        }

        /** An entry that gives the word {@code grapheme} the IPA pronunciation {@code ipa}. */
        public static Entry phoneme(String grapheme, String ipa) {
            return new Entry(grapheme, null, false, null, Objects.requireNonNull(ipa, "ipa"), IPA);
        }

        /** An entry that says {@code alias} for every match of the regular expression {@code regex}. */
        public static Entry regex(String regex, String alias) {
            return new Entry(null, regex, false, Objects.requireNonNull(alias, "alias"), null, null);
        }

        /** Returns this entry matching {@code grapheme} in case too. */
        public Entry withCaseSensitive() {
            return new Entry(grapheme, regex, true, alias, phoneme, alphabet);
        }

        private static String quote(String s) {
            return s == null ? "null" : "\"" + s + "\"";
        }
    }

    static Pattern compile(String regex) {
        if (regex.isEmpty() || regex.length() > MAX_REGEX_LENGTH) {
            throw new IllegalArgumentException("regex: " + regex.length() + " chars (expected: 1 to "
                    + MAX_REGEX_LENGTH + ")");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("regex: \"" + regex + "\" (expected: a valid Java regular "
                    + "expression: " + e.getDescription() + " near index " + e.getIndex() + ")", e);
        }
    }

    /** Entries of one source, with the language they apply to. */
    private record Part(String language, List<Entry> entries) {
    }

    /** An entry ready for matching. */
    private record Compiled(int index, Entry entry, String grapheme, Pattern pattern) {
    }

    /** A word the lexicon kept for its phonemes, as a span of the text it returned. */
    record Marked(Span span, String phoneme, String alphabet) {
    }

    /** What {@link #apply(MappedText)} returns: the text, and the words that carry phonemes, in order. */
    record Applied(MappedText text, List<Marked> marked) {
    }

    private final List<Part> parts;
    private final List<Compiled> compiled;
    private final List<Compiled> regexes;
    private final Map<String, List<Compiled>> byFirstWord;
    private final Map<Character, List<Compiled>> byFirstChar;

    private Lexicon(List<Part> parts) {
        this.parts = List.copyOf(parts);
        List<Compiled> all = new ArrayList<>();
        List<Compiled> regexList = new ArrayList<>();
        Map<String, List<Compiled>> words = new HashMap<>();
        Map<Character, List<Compiled>> chars = new HashMap<>();
        for (Part part : this.parts) {
            for (Entry entry : part.entries()) {
                int index = all.size();
                Compiled c;
                if (entry.regex() != null) {
                    c = new Compiled(index, entry, null, compile(entry.regex()));
                    regexList.add(c);
                } else {
                    String grapheme = TextNormalizer.normalize(entry.grapheme());
                    c = new Compiled(index, entry, grapheme, null);
                    String key = firstWord(grapheme, 0);
                    if (key != null) {
                        words.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                    } else {
                        chars.computeIfAbsent(Character.toLowerCase(grapheme.charAt(0)), k -> new ArrayList<>())
                                .add(c);
                    }
                }
                all.add(c);
            }
        }
        Comparator<Compiled> longestFirst = Comparator.comparingInt((Compiled c) -> -c.grapheme().length())
                .thenComparingInt(Compiled::index);
        words.values().forEach(list -> list.sort(longestFirst));
        chars.values().forEach(list -> list.sort(longestFirst));
        this.compiled = List.copyOf(all);
        this.regexes = List.copyOf(regexList);
        this.byFirstWord = Map.copyOf(words);
        this.byFirstChar = Map.copyOf(chars);
    }

    /** Returns a lexicon of {@code entries} for every language. */
    public static Lexicon of(List<Entry> entries) {
        return of(null, entries);
    }

    /**
     * Returns a lexicon of {@code entries} for locales whose language tag starts with {@code language}
     * ({@code "en"} covers {@code en-US}), or for every language when {@code language} is {@code null}.
     */
    public static Lexicon of(String language, List<Entry> entries) {
        String tag = checkLanguage(language);
        List<Entry> copy = List.copyOf(entries);
        if (copy.isEmpty()) {
            return EMPTY;
        }
        return new Lexicon(List.of(new Part(tag, copy)));
    }

    /** Returns one lexicon with the entries of {@code lexicons}, earlier ones first. */
    public static Lexicon combine(Lexicon... lexicons) {
        return combine(Arrays.asList(lexicons));
    }

    /** Returns one lexicon with the entries of {@code lexicons}, earlier ones first. */
    public static Lexicon combine(List<Lexicon> lexicons) {
        List<Part> parts = new ArrayList<>();
        for (Lexicon lexicon : lexicons) {
            parts.addAll(lexicon.parts);
        }
        return parts.isEmpty() ? EMPTY : new Lexicon(parts);
    }

    /**
     * Loads a lexicon file: YAML for {@code .yaml} and {@code .yml}, PLS for {@code .pls} and {@code .xml}.
     *
     * @throws IllegalArgumentException when the file is malformed, naming the file, line and entry
     * @throws IOException              when the file cannot be read
     */
    public static Lexicon load(Path file) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return parseYaml(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        }
        if (lower.endsWith(".pls") || lower.endsWith(".xml")) {
            try (InputStream in = Files.newInputStream(file)) {
                return parsePls(in, file.toString());
            }
        }
        throw new IllegalArgumentException("file: " + file + " (expected: a name ending in .yaml, .yml, .pls or "
                + ".xml)");
    }

    /**
     * Parses a lexicon in the YAML format of the class description.
     *
     * @param sourceName the name used in error messages, such as the file name
     * @throws IllegalArgumentException when the document is malformed, naming the source, line and entry
     */
    public static Lexicon parseYaml(String yaml, String sourceName) {
        return LexiconFiles.parseYaml(yaml, sourceName);
    }

    /**
     * Parses a W3C Pronunciation Lexicon Specification 1.0 document: each {@code <lexeme>} gives one entry per
     * {@code <grapheme>}, with its first {@code <alias>} and first {@code <phoneme>}. Documents with a DTD are
     * rejected and no external entity is ever read.
     *
     * @param sourceName the name used in error messages, such as the file name
     * @throws IllegalArgumentException when the document is malformed, naming the source, line and lexeme
     */
    public static Lexicon parsePls(InputStream xml, String sourceName) {
        return LexiconFiles.parsePls(xml, sourceName);
    }

    /** Returns all entries, in matching priority order. */
    public List<Entry> entries() {
        return compiled.stream().map(Compiled::entry).toList();
    }

    /**
     * Returns the language this lexicon is for, or empty when it is for every language or combines lexicons
     * for different ones.
     */
    public Optional<String> language() {
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        String first = parts.getFirst().language();
        return parts.stream().allMatch(p -> Objects.equals(p.language(), first))
                ? Optional.ofNullable(first) : Optional.empty();
    }

    /** Returns whether this lexicon has no entries. */
    public boolean isEmpty() {
        return compiled.isEmpty();
    }

    /** Returns the lexicon of the entries that apply to {@code locale}. */
    public Lexicon forLocale(Locale locale) {
        String tag = locale.toLanguageTag().toLowerCase(Locale.ROOT);
        List<Part> kept = parts.stream().filter(p -> appliesTo(p.language(), tag)).toList();
        if (kept.size() == parts.size()) {
            return this;
        }
        return kept.isEmpty() ? EMPTY : new Lexicon(kept);
    }

    private static boolean appliesTo(String language, String tag) {
        if (language == null) {
            return true;
        }
        return tag.equals(language) || tag.startsWith(language + "-");
    }

    private static String checkLanguage(String language) {
        if (language == null) {
            return null;
        }
        String tag = language.strip().replace('_', '-').toLowerCase(Locale.ROOT);
        if (!tag.matches("[a-z]{2,8}(-[a-z0-9]{1,8})*")) {
            throw new IllegalArgumentException("language: \"" + language + "\" (expected: a language tag such as "
                    + "en or zh-CN)");
        }
        return tag;
    }

    /**
     * Replaces aliases in plain text and returns the result; phonemes are not kept. For callers that want the
     * spoken text only.
     */
    public String apply(String text) {
        return apply(MappedText.identity(Objects.requireNonNull(text, "text"))).text().text();
    }

    /** Applies the entries to {@code in}; see the class description. */
    Applied apply(MappedText in) {
        if (compiled.isEmpty() || in.length() == 0) {
            return new Applied(in, List.of());
        }
        String text = in.text();
        List<List<int[]>> regexMatches = findRegexMatches(text);
        int[] next = new int[regexes.size()];
        MappedText.Builder out = new MappedText.Builder(in.source(), text.length());
        List<Marked> marked = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            Compiled best = null;
            int bestEnd = -1;
            for (int r = 0; r < regexes.size(); r++) {
                List<int[]> matches = regexMatches.get(r);
                while (next[r] < matches.size() && matches.get(next[r])[0] < i) {
                    next[r]++;
                }
                if (next[r] < matches.size() && matches.get(next[r])[0] == i) {
                    int end = matches.get(next[r])[1];
                    Compiled c = regexes.get(r);
                    if (end > bestEnd || (end == bestEnd && c.index() < best.index())) {
                        best = c;
                        bestEnd = end;
                    }
                }
            }
            List<Compiled> candidates = null;
            String key = wordStart(text, i) ? firstWord(text, i) : null;
            if (key != null) {
                candidates = byFirstWord.get(key);
            }
            List<Compiled> byChar = byFirstChar.get(Character.toLowerCase(text.charAt(i)));
            for (List<Compiled> list : Arrays.asList(candidates, byChar)) {
                if (list == null) {
                    continue;
                }
                for (Compiled c : list) {
                    int end = i + c.grapheme().length();
                    if (end > bestEnd || (end == bestEnd && c.index() < best.index())) {
                        if (graphemeAt(text, i, c)) {
                            best = c;
                            bestEnd = end;
                        }
                    }
                }
            }
            if (best == null) {
                out.copy(in, i, i + 1);
                i++;
                continue;
            }
            Entry entry = best.entry();
            int start = out.length();
            if (entry.alias() != null) {
                if (!entry.alias().isEmpty() && Verbalizer.isLatinWordChar(entry.alias().charAt(0))
                        && Verbalizer.isLatinWordChar(out.lastChar())) {
                    out.insert(' ');
                    start++;
                }
                out.replace(in, i, bestEnd, entry.alias());
            } else {
                out.copy(in, i, bestEnd);
            }
            if (entry.phoneme() != null && out.length() > start) {
                marked.add(new Marked(new Span(start, out.length()), entry.phoneme(), entry.alphabet()));
            }
            i = bestEnd;
        }
        return new Applied(out.build(), marked);
    }

    private List<List<int[]>> findRegexMatches(String text) {
        List<List<int[]>> matches = new ArrayList<>(regexes.size());
        long budget = REGEX_BASE_STEPS + REGEX_STEPS_PER_CHAR * text.length();
        for (int r = 0; r < regexes.size(); r++) {
            Compiled c = regexes.get(r);
            List<int[]> found = new ArrayList<>();
            BoundedText bounded = new BoundedText(text, budget);
            try {
                Matcher m = c.pattern().matcher(bounded);
                while (m.find()) {
                    if (m.end() > m.start()) {
                        found.add(new int[] {m.start(), m.end()});
                    }
                }
            } catch (BoundedText.TooLong e) {
                throw new IllegalArgumentException("regex: \"" + c.entry().regex() + "\" (expected: a pattern "
                        + "that matches a text of " + text.length() + " chars within " + budget
                        + " steps; it backtracks too much)");
            }
            matches.add(found);
        }
        return matches;
    }

    private static boolean graphemeAt(String text, int i, Compiled c) {
        String g = c.grapheme();
        if (!text.regionMatches(!c.entry().caseSensitive(), i, g, 0, g.length())) {
            return false;
        }
        int end = i + g.length();
        if (Verbalizer.isLatinWordChar(g.charAt(0)) && !wordStart(text, i)) {
            return false;
        }
        return !Verbalizer.isLatinWordChar(g.charAt(g.length() - 1))
                || end == text.length() || !Verbalizer.isLatinWordChar(text.charAt(end));
    }

    private static boolean wordStart(String text, int i) {
        return Verbalizer.isLatinWordChar(text.charAt(i))
                && (i == 0 || !Verbalizer.isLatinWordChar(text.charAt(i - 1)));
    }

    /** Returns the lowercased run of letters and digits at {@code i}, or {@code null} when none starts there. */
    private static String firstWord(String s, int i) {
        int end = i;
        while (end < s.length() && Verbalizer.isLatinWordChar(s.charAt(end))) {
            end++;
        }
        return end > i ? s.substring(i, end).toLowerCase(Locale.ROOT) : null;
    }

    @Override
    public String toString() {
        return "Lexicon[" + compiled.size() + " entries" + language().map(l -> ", " + l).orElse("") + "]";
    }

    /** A text that stops a regular expression that reads it too often, which only runaway backtracking does. */
    private static final class BoundedText implements CharSequence {

        static final class TooLong extends RuntimeException {
            private static final long serialVersionUID = 1L;

            TooLong() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private long budget;

        BoundedText(String text, long budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (--budget < 0) {
                throw new TooLong();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}

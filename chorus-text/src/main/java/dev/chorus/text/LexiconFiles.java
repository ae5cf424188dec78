package dev.chorus.text;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/** Reads lexicon files: the YAML format of {@link Lexicon} and W3C PLS 1.0. */
final class LexiconFiles {

    private static final Set<String> ENTRY_KEYS = Set.of(
            "grapheme", "regex", "alias", "phoneme", "alphabet", "case-sensitive");

    private static final int MAX_CODE_POINTS = 16 * 1024 * 1024;

    private LexiconFiles() {
    }

    // ---------------------------------------------------------------- YAML

    static Lexicon parseYaml(String yaml, String source) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(10)
                .setCodePointLimit(MAX_CODE_POINTS)
                .build();
        Node root;
        try {
            root = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)))
                    .getSingleNode().orElse(null);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage().strip(), e);
        }
        if (!(root instanceof MappingNode rootMap)) {
            throw error(source, root, "document: not a mapping (expected: a mapping with key \"lexicon\")");
        }
        Node lexicon = value(rootMap, "lexicon");
        MappingNode body;
        if (lexicon != null) {
            if (!(lexicon instanceof MappingNode m)) {
                throw error(source, lexicon, "lexicon: not a mapping (expected: a mapping with \"entries\")");
            }
            body = m;
        } else {
            body = rootMap;
        }
        checkKeys(source, body, Set.of("language", "entries"), "lexicon");
        String language = scalar(source, body, "language", "lexicon");
        Node entriesNode = value(body, "entries");
        if (entriesNode == null) {
            throw error(source, body, "entries: missing (expected: a list of entries)");
        }
        if (!(entriesNode instanceof SequenceNode sequence)) {
            throw error(source, entriesNode, "entries: not a list (expected: a list of entries)");
        }
        List<Lexicon.Entry> entries = new ArrayList<>();
        int number = 0;
        for (Node node : sequence.getValue()) {
            number++;
            String where = "entry " + number;
            if (!(node instanceof MappingNode entry)) {
                throw error(source, node, where + ": not a mapping (expected: grapheme or regex, with alias "
                        + "or phoneme)");
            }
            checkKeys(source, entry, ENTRY_KEYS, where);
            String caseSensitive = scalar(source, entry, "case-sensitive", where);
            if (caseSensitive != null && !caseSensitive.equalsIgnoreCase("true")
                    && !caseSensitive.equalsIgnoreCase("false")) {
                throw error(source, value(entry, "case-sensitive"), where + ": case-sensitive: \"" + caseSensitive
                        + "\" (expected: true or false)");
            }
            try {
                entries.add(new Lexicon.Entry(scalar(source, entry, "grapheme", where),
                        scalar(source, entry, "regex", where), Boolean.parseBoolean(caseSensitive),
                        scalar(source, entry, "alias", where), scalar(source, entry, "phoneme", where),
                        scalar(source, entry, "alphabet", where)));
            } catch (IllegalArgumentException e) {
                throw error(source, entry, where + ": " + e.getMessage());
            }
        }
        try {
            return Lexicon.of(language, entries);
        } catch (IllegalArgumentException e) {
            throw error(source, value(body, "language"), e.getMessage());
        }
    }

    private static Node value(MappingNode map, String key) {
        for (NodeTuple tuple : map.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static void checkKeys(String source, MappingNode map, Set<String> allowed, String where) {
        for (NodeTuple tuple : map.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(tuple.getKeyNode());
            if (!allowed.contains(key)) {
                throw error(source, tuple.getKeyNode(), where + ": unknown key \"" + key + "\" (expected one of: "
                        + allowed.stream().sorted().toList() + ")");
            }
        }
    }

    private static String scalar(String source, MappingNode map, String key, String where) {
        Node node = value(map, key);
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode scalar)) {
            throw error(source, node, where + ": " + key + ": not a single value (expected: text)");
        }
        return scalar.getValue();
    }

    private static IllegalArgumentException error(String source, Node node, String message) {
        Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
        String line = mark.map(m -> ":" + (m.getLine() + 1)).orElse("");
        return new IllegalArgumentException(source + line + ": " + message);
    }

    // ---------------------------------------------------------------- PLS

    static Lexicon parsePls(InputStream xml, String source) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(xml);
            return readPls(reader, source);
        } catch (XMLStreamException e) {
            Location location = e.getLocation();
            String line = location == null || location.getLineNumber() < 0 ? "" : ":" + location.getLineNumber();
            String message = e.getMessage() == null ? ""
                    : e.getMessage().replaceFirst("(?s)^ParseError at \\[.*?\\]\\s*Message:\\s*", "");
            throw new IllegalArgumentException(source + line + ": malformed PLS document (expected: well-formed "
                    + "XML): " + message.strip(), e);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // Nothing more to read.
                }
            }
        }
    }

    private static Lexicon readPls(XMLStreamReader reader, String source) throws XMLStreamException {
        String language = null;
        String defaultAlphabet = Lexicon.IPA;
        boolean sawRoot = false;
        List<Lexicon.Entry> entries = new ArrayList<>();
        List<String> graphemes = new ArrayList<>();
        String alias = null;
        String phoneme = null;
        String phonemeAlphabet = null;
        int lexemeLine = -1;
        int lexemes = 0;
        while (reader.hasNext()) {
            int event = reader.next();
            int line = reader.getLocation().getLineNumber();
            switch (event) {
                case XMLStreamConstants.DTD -> throw new IllegalArgumentException(source + ":" + line
                        + ": DOCTYPE: not allowed (expected: a PLS document without a DTD)");
                case XMLStreamConstants.ENTITY_REFERENCE -> throw new IllegalArgumentException(source + ":" + line
                        + ": entity &" + reader.getLocalName() + ";: not allowed (expected: no entity references)");
                case XMLStreamConstants.START_ELEMENT -> {
                    String name = reader.getLocalName();
                    if (!sawRoot) {
                        if (!name.equals("lexicon")) {
                            throw new IllegalArgumentException(source + ":" + line + ": root element <" + name
                                    + "> (expected: <lexicon>)");
                        }
                        sawRoot = true;
                        language = attribute(reader, "lang");
                        String alphabet = attribute(reader, "alphabet");
                        if (alphabet != null && !alphabet.isBlank()) {
                            defaultAlphabet = alphabet;
                        }
                        continue;
                    }
                    switch (name) {
                        case "lexeme" -> {
                            lexemes++;
                            lexemeLine = line;
                            graphemes.clear();
                            alias = null;
                            phoneme = null;
                            phonemeAlphabet = null;
                        }
                        case "grapheme" -> graphemes.add(reader.getElementText().strip());
                        case "alias" -> {
                            String text = reader.getElementText().strip();
                            if (alias == null) {
                                alias = text;
                            }
                        }
                        case "phoneme" -> {
                            String alphabet = attribute(reader, "alphabet");
                            String text = reader.getElementText().strip();
                            if (phoneme == null) {
                                phoneme = text;
                                phonemeAlphabet = alphabet;
                            }
                        }
                        case "example", "meta", "metadata" -> skip(reader);
                        default -> throw new IllegalArgumentException(source + ":" + line + ": element <" + name
                                + "> (expected: lexeme, grapheme, alias, phoneme, example or meta)");
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (reader.getLocalName().equals("lexeme")) {
                        String where = source + ":" + lexemeLine + ": lexeme " + lexemes + ": ";
                        if (graphemes.isEmpty()) {
                            throw new IllegalArgumentException(where + "grapheme: missing (expected: at least one "
                                    + "<grapheme>)");
                        }
                        for (String grapheme : graphemes) {
                            try {
                                entries.add(new Lexicon.Entry(grapheme, null, false, alias, phoneme,
                                        phonemeAlphabet != null ? phonemeAlphabet : defaultAlphabet));
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException(where + e.getMessage(), e);
                            }
                        }
                    }
                }
                default -> {
                }
            }
        }
        if (!sawRoot) {
            throw new IllegalArgumentException(source + ": no <lexicon> element (expected: a PLS document)");
        }
        try {
            return Lexicon.of(language, entries);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String attribute(XMLStreamReader reader, String localName) {
        for (int a = 0; a < reader.getAttributeCount(); a++) {
            if (reader.getAttributeLocalName(a).equals(localName)) {
                return reader.getAttributeValue(a);
            }
        }
        return null;
    }

    private static void skip(XMLStreamReader reader) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }
}

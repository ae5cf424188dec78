package dev.chorus.ssml;

import dev.chorus.tts.Gender;
import dev.chorus.tts.InvalidInputException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** Reads one document; {@link SsmlParser} makes a new one per call. Not thread-safe. */
final class SsmlReader {

    private static final String PARAM = "input";
    private static final String XSI_NAMESPACE = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*");
    private static final Pattern XERCES_KEY = Pattern.compile("https?://\\S*#(\\w+)(?:\\?(.*))?", Pattern.DOTALL);
    private static final int MAX_WARNINGS = 50;

    /** An open element. */
    private static final class Frame {
        final SsmlElement element;
        final String display;
        final int start;
        final int startTagEnd;
        final boolean selfClosing;
        final Style style;
        final StringBuilder content = new StringBuilder();
        long breakMillis;
        String markName;
        String alias;

        Frame(SsmlElement element, String display, int start, int startTagEnd, boolean selfClosing, Style style) {
            this.element = element;
            this.display = display;
            this.start = start;
            this.startTagEnd = startTagEnd;
            this.selfClosing = selfClosing;
            this.style = style;
        }
    }

    private final SsmlLimits limits;
    private final String input;
    private final String doc;
    private final int base;
    private final SourceScanner scanner;
    private final SourceLocator locator;
    private final SegmentBuilder out = new SegmentBuilder();
    private final List<String> warnings = new ArrayList<>();
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final StringBuilder chars = new StringBuilder();
    private int elementCount;
    private int suppressedWarnings;
    private long silenceMillis;
    private String documentLanguage;

    SsmlReader(SsmlLimits limits, String input) {
        this.limits = limits;
        this.input = input;
        this.base = input.startsWith("\uFEFF") ? 1 : 0;
        this.doc = input.substring(base);
        this.scanner = new SourceScanner(doc);
        this.locator = new SourceLocator(doc);
    }

    SsmlDocument read() {
        if (input.length() > limits.maxDocumentChars()) {
            throw new InvalidInputException(PARAM, "SSML document is " + input.length()
                    + " chars long, over the limit of " + limits.maxDocumentChars());
        }
        scanner.skipXmlDeclaration();
        rejectDoctype();
        XMLStreamReader reader = open();
        try {
            while (hasNext(reader)) {
                int event = next(reader);
                switch (event) {
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                            chars.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                    case XMLStreamConstants.START_ELEMENT -> {
                        flushCharacters();
                        startElement(reader);
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (!stack.element().selfClosing) {
                            flushCharacters();
                        }
                        endElement();
                    }
                    case XMLStreamConstants.COMMENT -> {
                        flushCharacters();
                        scanner.comment();
                    }
                    case XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                        flushCharacters();
                        scanner.processingInstruction();
                    }
                    case XMLStreamConstants.DTD -> throw error(scanner.skipCharacterData(), "DTDs are not allowed");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw error(scanner.skipCharacterData(),
                            "entity references other than &lt; &gt; &amp; &quot; &apos; are not allowed");
                    case XMLStreamConstants.END_DOCUMENT -> flushCharacters();
                    default -> {
                    }
                }
            }
        } finally {
            try {
                reader.close();
            } catch (XMLStreamException ignored) {
                // Nothing to release: the reader reads a string.
            }
        }
        if (suppressedWarnings > 0) {
            warnings.add(suppressedWarnings + " more warnings were left out");
        }
        return new SsmlDocument(out.finish(), warnings, documentLanguage);
    }

    private XMLStreamReader open() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setProperty(XMLInputFactory.IS_VALIDATING, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not allowed: " + systemId);
        });
        try {
            return factory.createXMLStreamReader(new StringReader(doc));
        } catch (XMLStreamException e) {
            throw xmlError(e);
        }
    }

    /** Rejects a DOCTYPE in the prolog before the XML parser sees it. */
    private void rejectDoctype() {
        int i = scanner.pos();
        int n = doc.length();
        while (i < n) {
            if (SourceScanner.isXmlSpace(doc.charAt(i))) {
                i++;
            } else if (doc.startsWith("<!--", i)) {
                int end = doc.indexOf("-->", i + 4);
                if (end < 0) {
                    return;
                }
                i = end + 3;
            } else if (doc.startsWith("<?", i)) {
                int end = doc.indexOf("?>", i + 2);
                if (end < 0) {
                    return;
                }
                i = end + 2;
            } else {
                if (doc.startsWith("<!DOCTYPE", i)) {
                    throw error(i, "DTDs are not allowed");
                }
                return;
            }
        }
    }

    private boolean hasNext(XMLStreamReader reader) {
        try {
            return reader.hasNext();
        } catch (XMLStreamException e) {
            throw xmlError(e);
        } catch (RuntimeException e) {
            throw parserFailure(e);
        }
    }

    private int next(XMLStreamReader reader) {
        try {
            return reader.next();
        } catch (XMLStreamException e) {
            throw xmlError(e);
        } catch (RuntimeException e) {
            throw parserFailure(e);
        }
    }

    private void flushCharacters() {
        int start = scanner.pos();
        int end = scanner.skipCharacterData();
        if (chars.isEmpty()) {
            return;
        }
        String text = chars.toString();
        chars.setLength(0);
        Frame frame = stack.peek();
        if (frame == null) {
            return;
        }
        switch (frame.element.content) {
            case MIXED -> out.characters(text, base + start, base + end, frame.style);
            case TEXT -> frame.content.append(text);
            case DISCARD -> {
            }
            case EMPTY -> {
                if (!isXmlSpace(text)) {
                    throw error(frame.start, frame.display + " must be empty, but contains text");
                }
            }
        }
    }

    private void startElement(XMLStreamReader reader) {
        int start = scanner.pos();
        boolean selfClosing = scanner.startTag();
        int startTagEnd = scanner.pos();
        String display = display(reader.getPrefix(), reader.getLocalName());
        SsmlElement element = SsmlElement.isSsmlNamespace(reader.getNamespaceURI())
                ? SsmlElement.byName(reader.getLocalName()) : SsmlElement.FOREIGN;
        Frame parent = stack.peek();
        if (parent == null && element != SsmlElement.SPEAK) {
            if (reader.getLocalName().equals("speak")) {
                throw error(start, "the root element must be <speak> in the SSML namespace " + SsmlElement.NAMESPACE
                        + ", not in " + reader.getNamespaceURI());
            }
            throw error(start, "the root element must be <speak>, not " + display);
        }
        if (element == null) {
            throw error(start, display + " is not a supported SSML element (expected: " + SsmlElement.SUPPORTED
                    + ")");
        }
        if (++elementCount > limits.maxElements()) {
            throw error(start, display + " is element number " + elementCount + ", over the limit of "
                    + limits.maxElements() + " elements");
        }
        if (stack.size() + 1 > limits.maxDepth()) {
            throw error(start, display + " is nested " + (stack.size() + 1) + " deep, over the limit of "
                    + limits.maxDepth());
        }
        int attributeCount = reader.getAttributeCount() + reader.getNamespaceCount();
        if (attributeCount > limits.maxAttributesPerElement()) {
            throw error(start, display + " has " + attributeCount + " attributes, over the limit of "
                    + limits.maxAttributesPerElement());
        }
        if (parent != null) {
            checkNesting(parent, element, display, start);
        }
        Map<String, String> attributes = attributes(reader, element, display, start);
        Style style = parent == null ? Style.DEFAULT : parent.style;
        Frame frame = new Frame(element, display, start, startTagEnd, selfClosing,
                style(element, display, start, style, attributes));
        switch (element) {
            case SPEAK -> {
                String version = attributes.get("version");
                if (version != null && !version.equals("1.0") && !version.equals("1.1")) {
                    throw error(start, display + " version \"" + version + "\" is not supported (expected: 1.0 or"
                            + " 1.1)");
                }
                documentLanguage = frame.style.language();
            }
            case PARAGRAPH, SENTENCE -> {
                if (out.textSinceBoundary()) {
                    out.boundary(boundaryKind(element));
                }
            }
            case BREAK -> frame.breakMillis = breakMillis(display, start, attributes);
            case MARK -> frame.markName = markName(display, start, attributes);
            case SUB -> frame.alias = required(attributes, "alias", display, start);
            case AUDIO -> warn(display + " at " + locator.describe(start)
                    + " is not fetched; its fallback text is spoken");
            case FOREIGN -> warn(display + " at " + locator.describe(start) + " is not SSML (namespace "
                    + reader.getNamespaceURI() + "); it is ignored and its content is read as if it were not there");
            default -> {
            }
        }
        stack.push(frame);
    }

    private void endElement() {
        Frame frame = stack.pop();
        int contentEnd;
        int end;
        if (frame.selfClosing) {
            contentEnd = frame.startTagEnd;
            end = frame.startTagEnd;
        } else {
            contentEnd = scanner.pos();
            scanner.endTag();
            end = scanner.pos();
        }
        switch (frame.element) {
            case PARAGRAPH, SENTENCE -> out.boundary(boundaryKind(frame.element));
            case BREAK -> out.pause(frame.breakMillis, base + frame.start, base + end);
            case MARK -> out.mark(frame.markName, base + frame.start, base + end);
            case SAY_AS, PHONEME -> {
                String text = frame.content.toString();
                if (frame.element == SsmlElement.SAY_AS && text.isBlank()) {
                    return;
                }
                boolean hasContent = contentEnd > frame.startTagEnd;
                out.unit(text, base + (hasContent ? frame.startTagEnd : frame.start),
                        base + (hasContent ? contentEnd : end), frame.style);
            }
            case SUB -> {
                if (!frame.alias.isBlank()) {
                    out.unit(frame.alias, base + frame.start, base + end,
                            frame.style.withSubstitutedFrom(frame.content.toString()));
                }
            }
            default -> {
            }
        }
    }

    private void checkNesting(Frame parent, SsmlElement element, String display, int start) {
        if (parent.element.content != SsmlElement.Content.MIXED) {
            if (parent.element.content == SsmlElement.Content.EMPTY) {
                throw error(start, parent.display + " must be empty, but contains " + display);
            }
            throw error(start, parent.display + " may contain only text, not " + display);
        }
        if (element == SsmlElement.SPEAK) {
            throw error(start, "<speak> may only be the root element");
        }
        if (element == SsmlElement.PARAGRAPH || element == SsmlElement.SENTENCE) {
            for (Frame open : stack) {
                if (open.element == SsmlElement.SENTENCE
                        || open.element == SsmlElement.PARAGRAPH && element == SsmlElement.PARAGRAPH) {
                    throw error(start, display + " cannot be inside " + open.display);
                }
            }
        }
    }

    /** Returns the element's attributes without a namespace, plus {@code xml:lang} under that name. */
    private Map<String, String> attributes(XMLStreamReader reader, SsmlElement element, String display,
                                           int start) {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            String namespace = reader.getAttributeNamespace(i);
            String name = reader.getAttributeLocalName(i);
            String value = reader.getAttributeValue(i);
            if (namespace == null || namespace.isEmpty()) {
                if (element == SsmlElement.FOREIGN) {
                    continue;
                }
                if (element.ignoredAttributes.contains(name)) {
                    warn(display + " at " + locator.describe(start) + " has " + article(name) + name
                            + " attribute, which is not supported; it is ignored");
                } else if (!element.attributes.contains(name)) {
                    throw error(start, display + " has no attribute " + name + expected(element));
                }
                attributes.put(name, value);
            } else if (namespace.equals(XMLConstants.XML_NS_URI)) {
                if (name.equals("lang") && element != SsmlElement.FOREIGN) {
                    if (!element.allowsLang) {
                        throw error(start, display + " has no attribute xml:lang" + expected(element));
                    }
                    attributes.put("xml:lang", value);
                }
            } else if (!namespace.equals(XSI_NAMESPACE) && element != SsmlElement.FOREIGN) {
                warn(display + " at " + locator.describe(start) + " has an attribute "
                        + qualifiedName(reader.getAttributePrefix(i), name) + " outside SSML; it is ignored");
            }
        }
        return attributes;
    }

    private static String expected(SsmlElement element) {
        List<String> names = new ArrayList<>(element.attributes);
        names.addAll(element.ignoredAttributes);
        if (element.allowsLang) {
            names.add("xml:lang");
        }
        names.sort(null);
        return names.isEmpty() ? " (expected: none)" : " (expected: " + String.join(", ", names) + ")";
    }

    private Style style(SsmlElement element, String display, int start, Style parent,
                        Map<String, String> attributes) {
        Style style = parent;
        String lang = attributes.get("xml:lang");
        if (element == SsmlElement.LANG && lang == null) {
            throw error(start, display + " needs an xml:lang attribute");
        }
        if (lang != null && element != SsmlElement.DESC) {
            style = style.withLanguage(languageTag(lang, display, "xml:lang", start));
        }
        return switch (element) {
            case PROSODY -> prosody(style, display, start, attributes);
            case EMPHASIS -> emphasis(style, display, start, attributes.get("level"));
            case VOICE -> voice(style, display, start, attributes);
            case SAY_AS -> {
                String interpretAs = required(attributes, "interpret-as", display, start).strip();
                if (interpretAs.isEmpty()) {
                    throw error(start, display + " interpret-as is empty (expected: a type such as characters)");
                }
                yield style.withSayAs(new SayAs(interpretAs, attributes.get("format"), attributes.get("detail")));
            }
            case PHONEME -> phoneme(style, display, start, attributes);
            default -> style;
        };
    }

    private Style prosody(Style style, String display, int start, Map<String, String> attributes) {
        double rate = style.rate();
        double pitch = style.pitchSemitones();
        double volume = style.volumeDb();
        String value = attributes.get("rate");
        if (value != null) {
            ProsodyValues.Change change = ProsodyValues.rate(value);
            if (change == null) {
                throw error(start, display + " rate \"" + value + "\" is not a valid rate (expected: "
                        + ProsodyValues.RATE_EXPECTED + ")");
            }
            rate = change.reset() ? change.value() : rate * change.value();
            if (!(rate >= Style.MIN_RATE && rate <= Style.MAX_RATE)) {
                throw error(start, display + " rate \"" + value + "\" gives a speaking rate of "
                        + ProsodyValues.format(rate) + " (expected: " + ProsodyValues.format(Style.MIN_RATE)
                        + " to " + ProsodyValues.format(Style.MAX_RATE) + ")");
            }
        }
        value = attributes.get("pitch");
        if (value != null) {
            ProsodyValues.Change change = ProsodyValues.pitch(value);
            if (change == null) {
                throw error(start, display + " pitch \"" + value + "\" is not a valid pitch (expected: "
                        + ProsodyValues.PITCH_EXPECTED + ")");
            }
            pitch = change.reset() ? change.value() : pitch + change.value();
            if (!(pitch >= Style.MIN_PITCH_SEMITONES && pitch <= Style.MAX_PITCH_SEMITONES)) {
                throw error(start, display + " pitch \"" + value + "\" gives a pitch shift of "
                        + ProsodyValues.formatSigned(pitch) + " semitones (expected: "
                        + ProsodyValues.formatSigned(Style.MIN_PITCH_SEMITONES) + " to "
                        + ProsodyValues.formatSigned(Style.MAX_PITCH_SEMITONES) + ")");
            }
        }
        value = attributes.get("volume");
        if (value != null) {
            ProsodyValues.Change change = ProsodyValues.volume(value);
            if (change == null) {
                throw error(start, display + " volume \"" + value + "\" is not a valid volume (expected: "
                        + ProsodyValues.VOLUME_EXPECTED + ")");
            }
            volume = change.reset() ? change.value() : volume + change.value();
            if (!(volume <= Style.MAX_VOLUME_DB)) {
                throw error(start, display + " volume \"" + value + "\" gives a volume of "
                        + ProsodyValues.formatSigned(volume) + "dB (expected: at most "
                        + ProsodyValues.formatSigned(Style.MAX_VOLUME_DB) + "dB)");
            }
        }
        return style.withProsody(rate, pitch, volume);
    }

    private Style emphasis(Style style, String display, int start, String level) {
        String value = level == null ? "moderate" : level.strip();
        double factor;
        double db;
        switch (value) {
            case "strong" -> {
                factor = 0.9;
                db = 3.0;
            }
            case "moderate" -> {
                factor = 0.95;
                db = 1.5;
            }
            case "reduced" -> {
                factor = 1.05;
                db = -2.0;
            }
            case "none" -> {
                factor = 1.0;
                db = 0.0;
            }
            default -> throw error(start, display + " level \"" + level + "\" is not a valid level (expected:"
                    + " strong, moderate, reduced or none)");
        }
        double rate = Math.clamp(style.rate() * factor, Style.MIN_RATE, Style.MAX_RATE);
        double volume = Math.min(style.volumeDb() + db, Style.MAX_VOLUME_DB);
        return style.withEmphasis(value, rate, volume);
    }

    private Style voice(Style style, String display, int start, Map<String, String> attributes) {
        String name = attributes.get("name");
        if (name != null) {
            name = name.strip();
            if (name.isEmpty()) {
                throw error(start, display + " name is empty (expected: a voice name)");
            }
        }
        String genderValue = attributes.get("gender");
        Gender gender = null;
        if (genderValue != null) {
            gender = switch (genderValue.strip().toLowerCase(Locale.ROOT)) {
                case "male" -> Gender.MALE;
                case "female" -> Gender.FEMALE;
                case "neutral" -> Gender.NEUTRAL;
                default -> throw error(start, display + " gender \"" + genderValue
                        + "\" is not a valid gender (expected: male, female or neutral)");
            };
        }
        String languages = attributes.get("languages");
        if (languages != null) {
            List<String> tags = new ArrayList<>();
            for (String tag : languages.strip().split("[ \t\r\n]+")) {
                if (!tag.isEmpty()) {
                    tags.add(languageTag(tag, display, "languages", start));
                }
            }
            languages = tags.isEmpty() ? null : String.join(" ", tags);
        }
        return style.withVoice(name != null ? name : style.voice(),
                gender != null ? gender : style.voiceGender(),
                languages != null ? languages : style.voiceLanguages());
    }

    private Style phoneme(Style style, String display, int start, Map<String, String> attributes) {
        String ph = required(attributes, "ph", display, start).strip();
        if (ph.isEmpty()) {
            throw error(start, display + " ph is empty (expected: a pronunciation)");
        }
        String alphabet = attributes.get("alphabet");
        alphabet = alphabet == null ? "ipa" : alphabet.strip().toLowerCase(Locale.ROOT);
        switch (alphabet) {
            case "ipa" -> {
                return style.withPhoneme(ph, alphabet);
            }
            case "x-sampa" -> {
                try {
                    return style.withPhoneme(XSampa.toIpa(ph), alphabet);
                } catch (XSampa.UnknownSymbolException e) {
                    throw error(start, display + " ph \"" + ph + "\" has \"" + e.getMessage()
                            + "\", which is not an X-SAMPA symbol");
                }
            }
            default -> throw error(start, display + " alphabet \"" + attributes.get("alphabet")
                    + "\" is not supported (expected: ipa or x-sampa)");
        }
    }

    private long breakMillis(String display, int start, Map<String, String> attributes) {
        String time = attributes.get("time");
        String strength = attributes.get("strength");
        long strengthMillis = -1;
        if (strength != null) {
            strengthMillis = ProsodyValues.strengthMillis(strength);
            if (strengthMillis < 0) {
                throw error(start, display + " strength \"" + strength + "\" is not a valid strength (expected:"
                        + " none, x-weak, weak, medium, strong or x-strong)");
            }
        }
        long maxMillis = limits.maxBreak().toMillis();
        long millis;
        if (time != null) {
            double value = ProsodyValues.timeMillis(time);
            if (value < 0) {
                throw error(start, display + " time \"" + time + "\" is not a valid time (expected: "
                        + ProsodyValues.TIME_EXPECTED + ")");
            }
            if (value > maxMillis) {
                throw error(start, display + " time \"" + time + "\" exceeds the limit of "
                        + ProsodyValues.formatMillis(maxMillis));
            }
            millis = Math.round(value);
        } else {
            millis = strengthMillis < 0 ? ProsodyValues.strengthMillis("medium") : strengthMillis;
            if (millis > maxMillis) {
                throw error(start, display + " strength \"" + strength + "\" ("
                        + ProsodyValues.formatMillis(millis) + ") exceeds the limit of "
                        + ProsodyValues.formatMillis(maxMillis));
            }
        }
        silenceMillis += millis;
        long maxTotal = limits.maxTotalSilence().toMillis();
        if (silenceMillis > maxTotal) {
            throw error(start, display + " brings the total silence to "
                    + ProsodyValues.formatMillis(silenceMillis) + ", over the limit of "
                    + ProsodyValues.formatMillis(maxTotal));
        }
        return millis;
    }

    private String markName(String display, int start, Map<String, String> attributes) {
        String name = required(attributes, "name", display, start);
        if (name.isEmpty()) {
            throw error(start, display + " name is empty (expected: a mark name)");
        }
        if (name.length() > limits.maxMarkNameLength()) {
            throw error(start, display + " name is " + name.length() + " chars long, over the limit of "
                    + limits.maxMarkNameLength());
        }
        return name;
    }

    private String required(Map<String, String> attributes, String name, String display, int start) {
        String value = attributes.get(name);
        if (value == null) {
            throw error(start, display + " needs " + article(name) + name + " attribute");
        }
        return value;
    }

    private String languageTag(String value, String display, String attribute, int start) {
        String tag = value.strip();
        if (tag.isEmpty()) {
            return null;
        }
        if (!LANGUAGE_TAG.matcher(tag).matches()) {
            throw error(start, display + " " + attribute + " \"" + value + "\" is not a BCP 47 language tag"
                    + " (expected: a tag such as en-US)");
        }
        return tag;
    }

    private static Segment.Boundary.Kind boundaryKind(SsmlElement element) {
        return element == SsmlElement.PARAGRAPH ? Segment.Boundary.Kind.PARAGRAPH : Segment.Boundary.Kind.SENTENCE;
    }

    private void warn(String warning) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(warning);
        } else {
            suppressedWarnings++;
        }
    }

    private static String display(String prefix, String localName) {
        return "<" + qualifiedName(prefix, localName) + ">";
    }

    private static String qualifiedName(String prefix, String localName) {
        return prefix == null || prefix.isEmpty() ? localName : prefix + ":" + localName;
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ";
    }

    private static boolean isXmlSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!SourceScanner.isXmlSpace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private InvalidInputException error(int offset, String message) {
        return new InvalidInputException(PARAM, "SSML " + locator.describe(offset) + ": " + message);
    }

    private InvalidInputException xmlError(XMLStreamException e) {
        Location location = e.getLocation();
        String where = location != null && location.getLineNumber() > 0 && location.getColumnNumber() > 0
                ? "line " + location.getLineNumber() + ", column " + location.getColumnNumber()
                : locator.describe(scanner.pos());
        return new InvalidInputException(PARAM, "SSML " + where + ": " + reason(e));
    }

    private InvalidInputException parserFailure(RuntimeException e) {
        return new InvalidInputException(PARAM, "SSML " + locator.describe(scanner.pos())
                + ": malformed XML (" + e.getClass().getSimpleName() + ")");
    }

    /** Returns the XML parser's message without its location prefix, with namespace errors spelled out. */
    static String reason(XMLStreamException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "malformed XML";
        }
        int index = message.indexOf("Message: ");
        if (index >= 0) {
            message = message.substring(index + "Message: ".length());
        }
        message = message.strip();
        Matcher key = XERCES_KEY.matcher(message);
        if (key.matches()) {
            String[] args = key.group(2) == null ? new String[0] : key.group(2).split("&");
            message = switch (key.group(1)) {
                case "AttributeNotUnique", "AttributeNSNotUnique" -> args.length >= 2
                        ? "attribute \"" + args[1] + "\" appears more than once in <" + args[0] + ">"
                        : "an attribute appears more than once";
                case "ElementPrefixUnbound" -> args.length >= 2
                        ? "the prefix \"" + args[0] + "\" of element <" + args[1] + "> is not bound to a namespace"
                        : "an element prefix is not bound to a namespace";
                case "AttributePrefixUnbound" -> args.length >= 3
                        ? "the prefix \"" + args[2] + "\" of attribute \"" + args[1] + "\" is not bound to a"
                        + " namespace"
                        : "an attribute prefix is not bound to a namespace";
                default -> "malformed XML (" + key.group(1) + (args.length > 0 ? ": " + String.join(", ", args)
                        : "") + ")";
            };
        }
        if (message.endsWith(".")) {
            message = message.substring(0, message.length() - 1);
        }
        return message;
    }
}

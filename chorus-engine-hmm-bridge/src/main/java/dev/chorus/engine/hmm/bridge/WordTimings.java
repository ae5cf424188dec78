package dev.chorus.engine.hmm.bridge;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.traversal.DocumentTraversal;
import org.w3c.dom.traversal.NodeFilter;
import org.w3c.dom.traversal.NodeIterator;

import java.util.Arrays;
import java.util.Locale;

/**
 * Finds where each spoken word starts, from the MaryXML that synthesis has just consumed.
 *
 * <p>After synthesis every pause ({@code boundary/@duration}) holds its realised length, while phones
 * ({@code ph/@d}) still hold the length asked for, which the vocoder may have rounded or stretched to its
 * 25 ms minimum. So pauses count as they are, each phone counts at least 25 ms, and the phones are then scaled
 * together so that the timeline ends where the audio does. At the voice's normal rate the durations are exact.
 *
 * <p>A word is the outermost MaryXML token group ({@code mtu/@orig}, as for "42" spoken as "forty two") or the
 * token itself, located in the sentence by searching forward from the previous word; a word that cannot be found
 * there (MaryTTS rewrote it) gets no timing.
 */
final class WordTimings {

    private static final double MIN_PHONE_MS = 25.0;

    private WordTimings() {
    }

    /**
     * Returns triples of (offset in {@code text}, length, first sample) in spoken order.
     *
     * @param totalSamples length of the sentence's audio, or a negative number if unknown
     */
    static int[] of(Document acoustics, String text, long totalSamples, int sampleRate) {
        int[] words = new int[48];
        double[] phoneMsBefore = new double[16];
        double[] pauseMsBefore = new double[16];
        int count = 0;
        double phoneMs = 0;
        double pauseMs = 0;
        int cursor = 0;
        Element lastWord = null;

        NodeIterator it = ((DocumentTraversal) acoustics).createNodeIterator(acoustics.getDocumentElement(),
                NodeFilter.SHOW_ELEMENT, null, false);
        for (Node node = it.nextNode(); node != null; node = it.nextNode()) {
            Element e = (Element) node;
            switch (e.getTagName()) {
                case "ph" -> phoneMs += Math.max(MIN_PHONE_MS, number(e.getAttribute("d")));
                case "boundary" -> pauseMs += number(e.getAttribute("duration"));
                case "t" -> {
                    if (e.getElementsByTagName("ph").getLength() == 0) {
                        continue; // punctuation: nothing spoken
                    }
                    Element word = outermostGroup(e);
                    if (word == lastWord) {
                        continue; // a later token of the same written word
                    }
                    lastWord = word;
                    String surface = (word == e ? e.getTextContent() : word.getAttribute("orig")).strip();
                    int at = find(text, surface, cursor);
                    if (at < 0) {
                        continue;
                    }
                    if (count == phoneMsBefore.length) {
                        words = Arrays.copyOf(words, count * 6);
                        phoneMsBefore = Arrays.copyOf(phoneMsBefore, count * 2);
                        pauseMsBefore = Arrays.copyOf(pauseMsBefore, count * 2);
                    }
                    words[3 * count] = at;
                    words[3 * count + 1] = surface.length();
                    phoneMsBefore[count] = phoneMs;
                    pauseMsBefore[count] = pauseMs;
                    count++;
                    cursor = at + surface.length();
                }
                default -> {
                }
            }
        }

        double scale = 1.0;
        if (totalSamples >= 0 && phoneMs > 0) {
            double audioPhoneMs = totalSamples * 1000.0 / sampleRate - pauseMs;
            scale = audioPhoneMs > 0 ? audioPhoneMs / phoneMs : 1.0;
        }
        for (int i = 0; i < count; i++) {
            long sample = Math.round((pauseMsBefore[i] + scale * phoneMsBefore[i]) * sampleRate / 1000.0);
            if (totalSamples >= 0) {
                sample = Math.min(sample, totalSamples);
            }
            words[3 * i + 2] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, sample));
        }
        return Arrays.copyOf(words, 3 * count);
    }

    private static Element outermostGroup(Element token) {
        Element group = token;
        for (Node p = token.getParentNode(); p instanceof Element parent; p = parent.getParentNode()) {
            if (parent.getTagName().equals("mtu")) {
                group = parent;
            }
        }
        return group;
    }

    private static int find(String text, String surface, int from) {
        if (surface.isEmpty()) {
            return -1;
        }
        int at = text.indexOf(surface, from);
        if (at >= 0) {
            return at;
        }
        String lower = surface.toLowerCase(Locale.ROOT);
        for (int i = from; i + surface.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, lower, 0, lower.length())) {
                return i;
            }
        }
        return -1;
    }

    private static double number(String value) {
        if (value.isEmpty()) {
            return 0;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

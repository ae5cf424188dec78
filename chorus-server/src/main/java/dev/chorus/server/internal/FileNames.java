package dev.chorus.server.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the directories out of the file paths in a message meant for any caller (a voice that failed to load),
 * so the server's layout stays private; the admin routes show the whole message.
 */
public final class FileNames {

    /** An absolute path: Unix ({@code /srv/voices/a.onnx}) or Windows ({@code C:\voices\a.onnx}). */
    private static final Pattern ABSOLUTE = Pattern.compile("(?<![\\w.:/])(?:/|[A-Za-z]:\\\\)[^\\s'\",;()]*");

    private FileNames() {
    }

    /** Returns {@code message} with each absolute path cut to its last element ({@code a.onnx}). */
    public static String withoutDirectories(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = ABSOLUTE.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String path = m.group();
            String trimmed = path.replaceAll("[/\\\\.:]+$", "");
            int cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
            String name = trimmed.substring(cut + 1);
            m.appendReplacement(out, Matcher.quoteReplacement(name.isEmpty() ? "(a path)" : name
                    + path.substring(trimmed.length())));
        }
        m.appendTail(out);
        return out.toString();
    }
}

package dev.chorus.server;

import dev.chorus.server.telemetry.LogFields;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * java.util.logging formatters for the server: JSON (one event per line, for log collectors) and text (for a
 * terminal). Both add the request id, trace and span ids, voice and tenant of the request a line belongs to.
 */
public final class LogFormats {

    private LogFormats() {
    }

    /** Returns the formatter for {@code json} or {@code text}. */
    public static Formatter forName(String name) {
        return switch (name) {
            case "json" -> new Json();
            case "text" -> new Text();
            default -> throw new IllegalArgumentException("logging format: '" + name + "' (expected: json or text)");
        };
    }

    /** The access log's message: method, path, status, duration and bytes (the record's first five parameters). */
    public static final String ACCESS_MESSAGE = "{0} {1} {2} {3}ms {4}B";

    private static final ThreadLocal<String> LOGGED_ON = new ThreadLocal<>();

    /**
     * For a handler that formats records on a thread of its own: names the thread that logged the records this
     * thread formats next ({@code null}: this thread).
     */
    public static void loggedOn(String thread) {
        LOGGED_ON.set(thread);
    }

    private static String thread() {
        String t = LOGGED_ON.get();
        return t != null ? t : Thread.currentThread().getName();
    }

    /** The record's message with its parameters; the access log's, the most frequent, without parsing a pattern. */
    private static String message(Formatter formatter, LogRecord r) {
        Object[] p = r.getParameters();
        if (p != null && p.length >= 5 && ACCESS_MESSAGE.equals(r.getMessage())) {
            return new StringBuilder(64).append(p[0]).append(' ').append(p[1]).append(' ').append(p[2]).append(' ')
                    .append(p[3]).append("ms ").append(p[4]).append('B').toString();
        }
        return formatter.formatMessage(r);
    }

    private static LogFields fields(LogRecord record) {
        Object[] params = record.getParameters();
        if (params != null) {
            for (Object p : params) {
                if (p instanceof LogFields f) {
                    return f;
                }
            }
        }
        return LogFields.current();
    }

    private static String level(LogRecord r) {
        return switch (r.getLevel().getName()) {
            case "SEVERE" -> "ERROR";
            case "WARNING" -> "WARN";
            case "INFO", "CONFIG" -> "INFO";
            case "FINE" -> "DEBUG";
            default -> "TRACE";
        };
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** One JSON object per line: ts, level, logger, message, and the request's fields when there is one. */
    public static final class Json extends Formatter {
        /** The last line's time, formatted: lines under load share their millisecond. */
        private volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

        private record Stamp(long millis, String text) {
        }

        private String ts(long millis) {
            Stamp s = last;
            if (s.millis() != millis) {
                s = new Stamp(millis, Instant.ofEpochMilli(millis).toString());
                last = s;
            }
            return s.text();
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(256).append('{');
            field(b, "ts", ts(r.getMillis()));
            field(b, "level", level(r));
            field(b, "logger", r.getLoggerName());
            field(b, "thread", thread());
            field(b, "message", message(this, r));
            LogFields f = fields(r);
            if (f != null) {
                field(b, "request_id", f.requestId());
                field(b, "trace_id", f.traceId());
                field(b, "span_id", f.spanId());
                field(b, "voice", f.voice());
                field(b, "tenant", f.tenant());
                if (f.access() != null) {
                    LogFields.Access a = f.access();
                    field(b, "method", a.method());
                    field(b, "path", a.path());
                    number(b, "status", a.status());
                    number(b, "duration_ms", a.durationMs());
                    number(b, "bytes", a.bytes());
                    field(b, "outcome", a.outcome());
                    field(b, "spiffe_id", a.spiffeId());
                }
            }
            if (r.getThrown() != null) {
                field(b, "error", stackTrace(r.getThrown()));
            }
            b.setLength(b.length() - 1);
            return b.append("}\n").toString();
        }

        private static void number(StringBuilder b, String name, long value) {
            b.append('"').append(name).append("\":").append(value).append(',');
        }

        private static void field(StringBuilder b, String name, String value) {
            if (value == null) {
                return;
            }
            b.append('"').append(name).append("\":\"");
            int n = value.length();
            int plain = 0; // The common case, nothing to escape, is copied in one go.
            while (plain < n) {
                char c = value.charAt(plain);
                if (c < 0x20 || c == '"' || c == '\\') {
                    break;
                }
                plain++;
            }
            if (plain == n) {
                b.append(value).append("\",");
                return;
            }
            b.append(value, 0, plain);
            for (int i = plain; i < n; i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append("\",");
        }
    }

    /** A line a person reads: time, level, logger, message, then the request's fields as key=value. */
    public static final class Text extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                .withZone(ZoneId.systemDefault());

        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(160);
            b.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ').append(level(r)).append(' ')
                    .append(r.getLoggerName()).append(": ").append(message(this, r));
            LogFields f = fields(r);
            if (f != null) {
                kv(b, "request_id", f.requestId());
                kv(b, "trace_id", f.traceId());
                kv(b, "voice", f.voice());
                kv(b, "tenant", f.tenant());
                if (f.access() != null) {
                    kv(b, "peer", f.access().spiffeId());
                }
            }
            b.append(System.lineSeparator());
            if (r.getThrown() != null) {
                b.append(stackTrace(r.getThrown()));
            }
            return b.toString();
        }

        private static void kv(StringBuilder b, String k, String v) {
            if (v != null) {
                b.append(' ').append(k).append('=').append(v);
            }
        }
    }
}

package dev.chorus.cluster.host;

import java.time.Duration;

/**
 * How an engine host process ended without being asked to: its exit status, the signal that killed it (from the
 * status, {@code 128 + n}), and the JVM's own account of a native crash when it wrote one.
 *
 * @param host       the host's number, from 1
 * @param pid        its process id
 * @param exitStatus the status as the JVM reports it ({@code 128 + signal} for a process killed by a signal)
 * @param signal     the signal's name ({@code SIGSEGV}, {@code SIGABRT}, ...) or null for a plain exit
 * @param fatalError the first line of the JVM's fatal error report ({@code SIGSEGV (0xb) at pc=...}), or null
 * @param uptime     how long the process had run
 * @param hang       why the supervisor killed the host because it hung (a request past its deadline, reports
 *                   that stopped), or null for a host that died on its own
 */
public record HostExit(int host, long pid, int exitStatus, String signal, String fatalError, Duration uptime,
                       String hang) {

    /** Describes a host that died on its own. */
    public HostExit(int host, long pid, int exitStatus, String signal, String fatalError, Duration uptime) {
        this(host, pid, exitStatus, signal, fatalError, uptime, null);
    }

    /** Tells whether the supervisor killed the host because it hung. */
    public boolean hung() {
        return hang != null;
    }

    /** Returns the name of signal {@code n}, such as {@code SIGSEGV} for 11. */
    static String signalName(int n) {
        return switch (n) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 15 -> "SIGTERM";
            default -> "signal " + n;
        };
    }

    /** Returns a short account for a log line: {@code exit 134 (SIGABRT; JVM: SIGSEGV (0xb) at pc=...)}. */
    public String describe() {
        if (hang != null) {
            return "hung: " + hang + "; killed";
        }
        StringBuilder b = new StringBuilder("exit ").append(exitStatus);
        if (signal != null || fatalError != null) {
            b.append(" (");
            if (signal != null) {
                b.append(signal);
            }
            if (fatalError != null) {
                b.append(signal != null ? "; " : "").append("native crash: ").append(fatalError);
            }
            b.append(')');
        }
        return b.toString();
    }
}

package dev.chorus.loadgen;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Describes where a benchmark ran, so its figures can be read for what they are. */
public final class Machine {

    private Machine() {
    }

    /** Returns cores, load average, memory, Java and OS, and where client and server ran. */
    public static Map<String, Object> describe(boolean sameMachine) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        m.put("cpu", cpuModel());
        m.put("java", Runtime.version().toString());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("client_and_server_on_same_machine", sameMachine);
        return m;
    }

    /** Returns one line for the console. */
    public static String line(boolean sameMachine) {
        Map<String, Object> m = describe(sameMachine);
        return String.format(Locale.ROOT, "machine: %s cores (%s), load average %.2f, Java %s%s", m.get("cores"),
                m.get("cpu"), (Double) m.get("load_average"), m.get("java"), sameMachine
                        ? "; client and server share this machine's cores, so both compete for CPU" : "");
    }

    /** Returns this process's resident set size in KiB from /proc, or -1 where there is none. */
    public static long residentKib() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}

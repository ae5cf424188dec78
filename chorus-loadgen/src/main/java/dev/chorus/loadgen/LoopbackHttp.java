package dev.chorus.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** The load tools only ever send to this machine: a check that a target is a loopback address. */
public final class LoopbackHttp {

    private LoopbackHttp() {
    }

    /** Parses {@code --name value} pairs; a flag without a value is "true". */
    static java.util.Map<String, String> args(String[] args) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("argument: '" + args[i] + "' (expected: --name value)");
            }
            String name = args[i].substring(2);
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            m.put(name, hasValue ? args[++i] : "true");
        }
        return m;
    }

    /**
     * Returns {@code url} if its host is a loopback address.
     *
     * @throws IllegalArgumentException otherwise: these tools only ever load a server on this machine
     */
    public static URI loopback(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("url: " + url + " (expected: http://HOST:PORT)");
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (!a.isLoopbackAddress()) {
                    throw new IllegalArgumentException("url: " + url + " (expected: a loopback address such as "
                            + "127.0.0.1; these tools never send load elsewhere)");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("url: " + url + " (unknown host)", e);
        }
        return uri;
    }
}

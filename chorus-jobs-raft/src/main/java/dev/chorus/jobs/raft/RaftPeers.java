package dev.chorus.jobs.raft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The members of a Raft group as {@code jobs.raft.peers} names them: {@code id=host:port,...}. Ids are letters,
 * digits, {@code -} and {@code _}; every id and every address appears once.
 */
public final class RaftPeers {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** One member: its id and the host and port its Raft service listens on. */
    public record Peer(String id, String host, int port) {
        /** Returns {@code host:port}. */
        public String address() {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }

        @Override
        public String toString() {
            return id + "=" + address();
        }
    }

    private final List<Peer> peers;

    private RaftPeers(List<Peer> peers) {
        this.peers = List.copyOf(peers);
    }

    /**
     * Parses {@code id=host:port,...}.
     *
     * @throws IllegalArgumentException naming the setting, the bad entry and what is expected
     */
    public static RaftPeers parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("jobs.raft.peers: empty (expected: id=host:port,... with 3 or 5 "
                    + "members, e.g. a=10.0.1.5:9870,b=10.0.2.5:9870,c=10.0.3.5:9870)");
        }
        Map<String, Peer> byId = new LinkedHashMap<>();
        List<String> addresses = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String e = raw.trim();
            int eq = e.indexOf('=');
            int colon = e.lastIndexOf(':');
            if (eq < 1 || colon < eq + 2 || colon == e.length() - 1) {
                throw bad(e, "id=host:port");
            }
            String id = e.substring(0, eq).trim();
            String host = e.substring(eq + 1, colon).trim();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (!ID.matcher(id).matches()) {
                throw bad(e, "an id of letters, digits, '-' and '_'");
            }
            if (host.isEmpty() || host.contains(" ") || host.contains("=")) {
                throw bad(e, "a host name or address");
            }
            int port;
            try {
                port = Integer.parseInt(e.substring(colon + 1).trim());
            } catch (NumberFormatException x) {
                throw bad(e, "a port from 1 to 65535");
            }
            if (port < 1 || port > 65535) {
                throw bad(e, "a port from 1 to 65535");
            }
            Peer p = new Peer(id, host, port);
            if (byId.put(id, p) != null) {
                throw bad(e, "each id once");
            }
            if (addresses.contains(p.address())) {
                throw bad(e, "each host:port once");
            }
            addresses.add(p.address());
        }
        return new RaftPeers(List.copyOf(byId.values()));
    }

    private static IllegalArgumentException bad(String entry, String expected) {
        return new IllegalArgumentException("jobs.raft.peers: '" + entry + "' (expected: " + expected
                + "; the whole setting is id=host:port,...)");
    }

    /** Checks the group has 3 or 5 members and holds {@code self}; returns this. */
    public RaftPeers requireGroupWith(String self) {
        if (peers.size() != 3 && peers.size() != 5) {
            throw new IllegalArgumentException("jobs.raft.peers: " + peers.size() + " members (expected: 3 or 5, one "
                    + "per zone, so that a majority survives the loss of one zone (or two of five))");
        }
        if (find(self) == null) {
            throw new IllegalArgumentException("jobs.raft.id: '" + self + "' is not among jobs.raft.peers ("
                    + ids() + ")");
        }
        return this;
    }

    public List<Peer> peers() {
        return peers;
    }

    /** Returns the member {@code id}, or null. */
    public Peer find(String id) {
        return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }

    /** Returns the ids, comma-separated. */
    public String ids() {
        return String.join(", ", peers.stream().map(Peer::id).toList());
    }

    @Override
    public String toString() {
        return String.join(",", peers.stream().map(Peer::toString).toList());
    }
}

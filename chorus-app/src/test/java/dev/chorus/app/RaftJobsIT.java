package dev.chorus.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replicated job store with three real {@code chorus serve} processes on loopback, one Raft member each.
 *
 * <p>Each node reaches each other node's Raft port through its own TCP proxy (a link): every node resolves the
 * peers' host names through its own hosts file ({@code -Djdk.net.hosts.file}) to a loopback address on which the
 * link from it to that peer listens. Cutting a node's links isolates it from the other two, both ways.
 *
 * <p>In one run: kill -9 of the leader during 100 submissions (every acknowledged job survives and completes, none
 * is duplicated, a new leader is elected and the time it took is printed); the killed node restarts and catches
 * up from the log; an isolated node cannot acknowledge a write (503, job_store_unavailable) while the other two go
 * on, and acknowledges again once the links are back; a member stopped while the log was purged catches up by
 * snapshot; then c is replaced by a new node d that joins through {@code chorus jobs-raft set-members}, and a
 * {@code chorus jobs-raft backup} of d holds every job.
 */
@Timeout(600)
class RaftJobsIT {

    private static final String JAR = System.getProperty("chorus.app.jar");
    private static final String JAVA = System.getProperty("chorus.java", "java");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] IDS = {"a", "b", "c", "d"};
    private static final int SUBMISSIONS = 100;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Node[] nodes = new Node[4];
    private final int[] raftPorts = new int[4];
    private final Link[][] links = new Link[4][4];

    /** One chorus serve process. */
    private final class Node {
        final int index;
        final StringBuffer stderr = new StringBuffer();
        Process process;
        int port;
        /** The members this node is configured with ({@code jobs.raft.peers}), by index. */
        int[] members = {0, 1, 2};
        /** Whether it starts as a new member joining the running group ({@code jobs.raft.join}). */
        boolean join;

        Node(int index) {
            this.index = index;
        }

        String id() {
            return IDS[index];
        }

        void start() throws Exception {
            Path config = dir.resolve(id() + ".yaml");
            String peers = peers(members);
            Files.writeString(config, """
                    server:
                      port: 0
                      warm-up: false
                    cache:
                      enabled: false
                    jobs:
                      store: raft
                      lease: 3s
                      workers: 2
                      audio-dir: %s
                      raft:
                        id: %s
                        peers: "%s"
                        bind: 127.0.0.1
                        snapshot-entries: 100
                        purge-gap: 16
                        segment-size: 16KiB
                        election-timeout: 500ms
                        request-timeout: 4s
                        join: %s
                    """.formatted(dir.resolve("audio"), id(), peers, join));
            StringBuilder hosts = new StringBuilder("127.0.0.1 localhost node-" + id() + " "
                    + InetAddress.getLocalHost().getHostName() + "\n");
            for (int j = 0; j < nodes.length; j++) {
                if (j != index && links[index][j] != null) {
                    hosts.append(links[index][j].address).append(" node-").append(IDS[j]).append('\n');
                }
            }
            Path hostsFile = dir.resolve(id() + ".hosts");
            Files.writeString(hostsFile, hosts);
            stderr.setLength(0);
            ProcessBuilder pb = new ProcessBuilder(List.of(JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Djdk.net.hosts.file=" + hostsFile,
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", JAR,
                    "serve", "--config", config.toString(), "--data-dir", dir.resolve("data-" + id()).toString()))
                    .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("CHORUS_LOG_FORMAT", "text");
            process = pb.start();
            Process p = process;
            CompletableFuture<Integer> listening = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = err.readLine()) != null) {
                        stderr.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            listening.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException e) {
                    listening.completeExceptionally(e);
                }
                listening.completeExceptionally(new AssertionError(id() + " ended: " + stderr));
            });
            this.listening = listening;
        }

        CompletableFuture<Integer> listening;

        void awaitListening() throws Exception {
            try {
                port = listening.get(180, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                String err = stderr.toString();
                throw new AssertionError(id() + " not listening within 180 s; its log ends:\n"
                        + err.substring(Math.max(0, err.length() - 4000)), e);
            }
        }

        void kill9() throws Exception {
            assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        /** Returns the value of an unlabelled gauge in this node's /metrics, NaN when absent or unreachable. */
        double metric(String name) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(r.body());
                return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
            } catch (Exception e) {
                return Double.NaN;
            }
        }

        HttpResponse<String> submit(String body, String key) throws Exception {
            return http.send(HttpRequest.newBuilder(uri("/v1/audio/jobs")).header("Content-Type",
                    "application/json").header("Idempotency-Key", key).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode job(String id) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/audio/jobs/" + id))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        }
    }

    /** A TCP proxy from one node to another's Raft port that can be cut (open connections dropped, new refused). */
    private static final class Link implements AutoCloseable {
        final String address;
        final ServerSocket server;
        final int target;
        final List<Socket> open = new CopyOnWriteArrayList<>();
        volatile boolean cut;

        Link(String address, int port, int target) throws IOException {
            this.address = address;
            this.target = target;
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port));
            Thread.ofPlatform().daemon().start(this::accept);
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    if (cut) {
                        in.close();
                        continue;
                    }
                    Socket out = new Socket();
                    try {
                        out.connect(new InetSocketAddress("127.0.0.1", target), 2000);
                    } catch (IOException e) {
                        closeQuietly(in); // the peer is down: the caller sees the connection closed at once
                        closeQuietly(out);
                        continue;
                    }
                    in.setTcpNoDelay(true);
                    out.setTcpNoDelay(true);
                    open.add(in);
                    open.add(out);
                    Thread.ofPlatform().daemon().start(() -> pump(in, out));
                    Thread.ofPlatform().daemon().start(() -> pump(out, in));
                } catch (IOException e) {
                    // The peer is down (refused) or the link closed: the caller sees a dropped connection.
                }
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (cut) {
                        break;
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // One side went away.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        void cut() {
            cut = true;
            open.forEach(Link::closeQuietly);
            open.clear();
        }

        void heal() {
            cut = false;
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // Already closed.
            }
        }

        @Override
        public void close() throws IOException {
            cut();
            server.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Node n : nodes) {
            if (n != null && n.process != null && n.process.isAlive()) {
                n.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (Link[] row : links) {
            for (Link l : row) {
                if (l != null) {
                    l.close();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String body(String text) {
        return "{\"input\":\"" + text + "\",\"response_format\":\"pcm\"}";
    }

    /** Waits until exactly one of {@code among} reports it leads; returns it. */
    private Node awaitLeader(List<Node> among, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            List<Node> leaders = among.stream().filter(n -> n.metric("chorus_jobs_raft_leader") == 1.0).toList();
            if (leaders.size() == 1) {
                return leaders.getFirst();
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no single leader among " + among.stream().map(Node::id).toList() + " within "
                + within + "\n" + logs());
    }

    private String logs() {
        StringBuilder s = new StringBuilder();
        for (Node n : nodes) {
            if (n == null) {
                continue;
            }
            String e = String.join("\n", n.stderr.toString().lines()
                    .filter(l -> !l.contains("dev.chorus.access") && !l.startsWith("\tat ")
                            && !l.contains("appendEntries") && !l.contains("RaftRetryFailureException")
                            && !l.contains(" for 20 attempts with ")).toList());
            s.append("--- ").append(n.id()).append(" ---\n").append(e, Math.max(0, e.length() - 6000), e.length());
        }
        return s.toString();
    }

    private void awaitSucceeded(Node via, Iterable<String> ids, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        for (String id : ids) {
            while (true) {
                JsonNode j = via.job(id);
                String s = j.get("status").asText();
                if (s.equals("succeeded")) {
                    break;
                }
                assertThat(s).as(j.toString()).isIn("queued", "running");
                assertThat(System.nanoTime()).as("job " + id + " still " + s + "\n" + logs()).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /** Lists every job through {@code via}, page by page. */
    private List<String> listAll(Node via) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 50; page++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(via.uri("/v1/audio/jobs?limit=100"
                    + (cursor == null ? "" : "&after=" + cursor))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode b = JSON.readTree(r.body());
            b.get("data").forEach(j -> ids.add(j.get("id").asText()));
            cursor = b.path("next_cursor").isNull() || b.path("next_cursor").isMissingNode() ? null
                    : b.get("next_cursor").asText();
            if (cursor == null) {
                return ids;
            }
        }
        throw new AssertionError("more than 50 pages of jobs");
    }

    /** Reads job {@code id} through {@code via}, retrying while the node answers slowly or not yet; bounded. */
    private JsonNode awaitJob(Node via, String id, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(via.uri("/v1/audio/jobs/" + id))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                last = r.statusCode() + " " + r.body();
            } catch (java.net.http.HttpTimeoutException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(via.id() + " did not answer for job " + id + " within " + within + ": " + last
                + "\n" + logs());
    }

    private void awaitCaughtUp(Node follower, Node leader, Duration within) throws Exception {
        double target = leader.metric("chorus_jobs_raft_commit_index");
        assertThat(target).as("leader's commit index").isGreaterThan(0);
        long deadline = System.nanoTime() + within.toNanos();
        while (follower.metric("chorus_jobs_raft_applied_index") < target) {
            assertThat(System.nanoTime()).as(follower.id() + " did not apply up to " + target + "\n" + logs())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Returns {@code id=node-id:port,...} of the nodes {@code members} (indices). */
    private String peers(int... members) {
        StringBuilder peers = new StringBuilder();
        for (int j : members) {
            peers.append(peers.isEmpty() ? "" : ",").append(IDS[j]).append("=node-").append(IDS[j]).append(':')
                    .append(raftPorts[j]);
        }
        return peers.toString();
    }

    /** Opens the links among all four nodes, then starts a, b and c as a group and waits until they listen. */
    private List<Node> startGroup() throws Exception {
        for (int i = 0; i < nodes.length; i++) {
            raftPorts[i] = freePort();
        }
        for (int i = 0; i < nodes.length; i++) {
            for (int j = 0; j < nodes.length; j++) {
                if (i != j) {
                    links[i][j] = new Link("127.0." + (20 + i) + "." + (20 + j), raftPorts[j], raftPorts[j]);
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            nodes[i] = new Node(i);
            nodes[i].start();
        }
        for (int i = 0; i < 3; i++) {
            nodes[i].awaitListening();
        }
        return List.of(nodes[0], nodes[1], nodes[2]);
    }

    /** Runs {@code chorus jobs-raft ARGS} as its own process (peers' names resolve to loopback); returns it ended. */
    private Cli jobsRaft(String... args) throws Exception {
        Path hosts = dir.resolve("cli.hosts");
        StringBuilder h = new StringBuilder("127.0.0.1 localhost " + InetAddress.getLocalHost().getHostName() + "\n");
        for (String id : IDS) {
            h.append("127.0.0.1 node-").append(id).append('\n');
        }
        Files.writeString(hosts, h);
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Djdk.net.hosts.file=" + hosts, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR, "jobs-raft"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("chorus jobs-raft " + String.join(" ", args)).isTrue();
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err), (System.nanoTime() - t0) / 1e6);
    }

    /** What a {@code chorus jobs-raft} run printed. */
    private record Cli(int exit, String out, String err, double millis) {
    }

    @Test
    void theGroupLosesNoAcknowledgedJobAndNeedsAMajority() throws Exception {
        List<Node> all = startGroup();
        Node leader = awaitLeader(all, Duration.ofSeconds(30));
        List<Node> followers = all.stream().filter(n -> n != leader).toList();
        Node via = followers.get(0);

        // Every Raft metric the alert rules use is one a member exports (a worker without the Raft store has none).
        String alerts = java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "prometheus",
                "alerts.yml"));
        Matcher used = Pattern.compile("\\b(chorus_jobs_raft_[a-z0-9_]+)").matcher(alerts);
        int names = 0;
        for (; used.find(); names++) {
            String name = used.group(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (Double.isNaN(leader.metric(name)) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(leader.metric(name)).as("alerts.yml uses %s; the leader exports it", name).isNotNaN();
        }
        assertThat(names).as("Raft metrics in alerts.yml").isGreaterThanOrEqualTo(2);

        // 1. kill -9 the leader during 100 submissions through a follower.
        Map<String, String> acked = new ConcurrentHashMap<>();
        List<Integer> refused = new CopyOnWriteArrayList<>();
        // Four clients at once, each its share of the keys in order.
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = first; i < SUBMISSIONS; i += 4) {
                    try {
                        HttpResponse<String> r = via.submit(body("Replicated job " + i + "."), "k-" + i);
                        if (r.statusCode() == 202) {
                            acked.put("k-" + i, JSON.readTree(r.body()).get("id").asText());
                        } else {
                            refused.add(i); // 503 job_store_unavailable while there is no leader
                        }
                    } catch (Exception e) {
                        refused.add(i);
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acked.size() < 30 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(acked.size()).as("acknowledged before the kill\n" + logs()).isGreaterThanOrEqualTo(30);
        leader.kill9();
        long killed = System.nanoTime();
        Node newLeader = awaitLeader(followers, Duration.ofSeconds(20));
        double electionMs = (System.nanoTime() - killed) / 1e6;
        System.out.printf("raft: new leader %s elected %.0f ms after kill -9 of leader %s%n", newLeader.id(),
                electionMs, leader.id());
        for (Thread t : submitters) {
            t.join(180_000);
            assertThat(t.isAlive()).as("submissions still running after 3 minutes\n" + logs()).isFalse();
        }
        // Submissions refused while there was no leader are retried with their Idempotency-Key: a job created but
        // not acknowledged is found again, never made twice.
        for (int i : refused) {
            HttpResponse<String> r = via.submit(body("Replicated job " + i + "."), "k-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            acked.put("k-" + i, JSON.readTree(r.body()).get("id").asText());
        }
        assertThat(acked).hasSize(SUBMISSIONS);
        awaitSucceeded(via, acked.values(), Duration.ofSeconds(90));
        List<String> listed = listAll(via);
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(new HashSet<>(acked.values()));
        System.out.printf("raft: %d jobs acknowledged (%d retried after the election), all succeeded, none "
                + "duplicated%n", acked.size(), refused.size());

        // 2. The killed node restarts and catches up.
        leader.start();
        leader.awaitListening();
        awaitCaughtUp(leader, newLeader, Duration.ofSeconds(60));
        String someJob = acked.values().iterator().next();
        long readAt = System.nanoTime();
        assertThat(awaitJob(leader, someJob, Duration.ofSeconds(45)).get("status").asText()).isEqualTo("succeeded");
        System.out.printf("raft: restarted %s caught up and answered a linearizable read %.0f ms later%n",
                leader.id(), (System.nanoTime() - readAt) / 1e6);

        // 3. An isolated node cannot acknowledge a write; the majority goes on.
        Node current = awaitLeader(all, Duration.ofSeconds(20));
        Node isolated = all.stream().filter(n -> n != current).findFirst().orElseThrow();
        Node majority = all.stream().filter(n -> n != current && n != isolated).findFirst().orElseThrow();
        for (int j = 0; j < 3; j++) {
            if (j != isolated.index) {
                links[isolated.index][j].cut();
                links[j][isolated.index].cut();
            }
        }
        long t0 = System.nanoTime();
        HttpResponse<String> lost = isolated.submit(body("Cut off."), "cut-1");
        double failedAfterMs = (System.nanoTime() - t0) / 1e6;
        assertThat(lost.statusCode()).as(lost.body()).isEqualTo(503);
        assertThat(lost.body()).contains("job_store_unavailable").contains("majority");
        HttpResponse<String> goesOn = majority.submit(body("Still served."), "cut-2");
        assertThat(goesOn.statusCode()).as(goesOn.body()).isEqualTo(202);
        awaitSucceeded(current, List.of(JSON.readTree(goesOn.body()).get("id").asText()), Duration.ofSeconds(30));
        System.out.printf("raft: isolated %s refused a write after %.0f ms (%s); %s and %s went on%n",
                isolated.id(), failedAfterMs, JSON.readTree(lost.body()).path("error").path("code").asText(),
                current.id(), majority.id());
        for (Link[] row : links) {
            for (Link l : row) {
                if (l != null) {
                    l.heal();
                }
            }
        }
        long healDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            HttpResponse<String> r = isolated.submit(body("Back again."), "cut-3");
            if (r.statusCode() == 202) {
                break;
            }
            assertThat(System.nanoTime()).as("after healing: " + r.body()).isLessThan(healDeadline);
            Thread.sleep(200);
        }

        // 4. A member that was down while the others snapshotted and purged their logs catches up by snapshot.
        Node lead = awaitLeader(all, Duration.ofSeconds(20));
        Node down = all.stream().filter(n -> n != lead).findFirst().orElseThrow();
        double downApplied = down.metric("chorus_jobs_raft_applied_index");
        down.kill9();
        List<String> later = new ArrayList<>();
        long purgeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int i = 0; lead.metric("chorus_jobs_raft_log_start_index") <= downApplied; i++) {
            assertThat(System.nanoTime()).as("the leader purged its log past what the stopped member has\n"
                    + logs()).isLessThan(purgeDeadline);
            HttpResponse<String> r = lead.submit(body("After the purge " + i + "."), "purge-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            later.add(JSON.readTree(r.body()).get("id").asText());
            if (i % 10 == 9) {
                awaitSucceeded(lead, later, Duration.ofSeconds(90));
            }
        }
        awaitSucceeded(lead, later, Duration.ofSeconds(90));
        down.start();
        down.awaitListening();
        awaitCaughtUp(down, lead, Duration.ofSeconds(60));
        assertThat(awaitJob(down, later.getLast(), Duration.ofSeconds(45)).get("status").asText())
                .isEqualTo("succeeded");
        // Its log now starts after the entries it never received: they came as the leader's snapshot.
        assertThat(down.metric("chorus_jobs_raft_log_start_index")).as("the restarted member's first log index")
                .isGreaterThan(downApplied);
        HttpResponse<String> after = down.submit(body("After catching up."), "purge-after");
        assertThat(after.statusCode()).as(after.body() + "\n" + logs()).isEqualTo(202);
        System.out.printf("raft: %s, stopped at index %.0f while %d jobs were made and the log was purged, caught "
                + "up by snapshot%n", down.id(), downApplied, later.size());

        // 5. c is replaced by a joining node d; then a backup of d.
        replaceCByAJoiningD();
    }

    /**
     * Membership change and backup with real processes, on the running group of a, b and c: c is stopped for good, a
     * new node d starts as a joining member and {@code chorus jobs-raft set-members} replaces c by d (d catches up by
     * snapshot: the log was purged long before); d then holds every job (a linearizable read on d of a job written
     * just before, and the whole listing), the group of a, b and d takes writes with c gone, {@code status} shows the
     * new members, and {@code backup} copies a snapshot holding every job from d. (The refusals of set-members, such
     * as a member that stays given by address instead of its name, are RaftAdminTest's.)
     */
    private void replaceCByAJoiningD() throws Exception {
        long began = System.nanoTime();
        Node a = nodes[0];
        Node b = nodes[1];
        Node c = nodes[2];
        List<String> made = new ArrayList<>(listAll(a));

        // c is lost for good; d starts as a joining member, configured with the new members.
        c.kill9();
        Node d = new Node(3);
        nodes[3] = d;
        d.members = new int[] {0, 1, 3};
        d.join = true;
        d.start();
        d.awaitListening();

        Cli change = jobsRaft("set-members", "--peers", peers(0, 1, 2), "--members", peers(0, 1, 3));
        assertThat(change.exit()).as(change.err() + "\n" + logs()).isZero();
        assertThat(change.out()).contains("added: d").contains("removed: c");
        System.out.printf("raft: set-members replaced c by the joining d in %.0f ms (the command's process)%n",
                change.millis());

        // A linearizable read on d of a job written just before, through a, and every earlier job.
        HttpResponse<String> w = a.submit(body("After the change."), "m-after");
        assertThat(w.statusCode()).as(w.body()).isEqualTo(202);
        String after = JSON.readTree(w.body()).get("id").asText();
        long readAt = System.nanoTime();
        awaitJob(d, after, Duration.ofSeconds(30));
        double readMs = (System.nanoTime() - readAt) / 1e6;
        made.add(after);
        List<String> onD = listAll(d);
        assertThat(onD).doesNotHaveDuplicates();
        assertThat(new HashSet<>(onD)).isEqualTo(new HashSet<>(made));
        // The group of a, b and d goes on without c: a write through d; every job runs and finishes.
        HttpResponse<String> viaD = d.submit(body("Through the new member."), "m-d");
        assertThat(viaD.statusCode()).as(viaD.body()).isEqualTo(202);
        made.add(JSON.readTree(viaD.body()).get("id").asText());
        awaitSucceeded(b, made, Duration.ofSeconds(60));
        for (String id : made.subList(made.size() - 5, made.size())) {
            assertThat(d.job(id).get("status").asText()).isEqualTo("succeeded");
        }
        System.out.printf("raft: d answered a linearizable read of a job written through a %.0f ms later and "
                + "holds all %d jobs; a, b, d took writes with c gone%n", readMs, made.size());

        Cli status = jobsRaft("status", "--peers", peers(0, 1, 3));
        assertThat(status.exit()).as(status.err()).isZero();
        List<String> lines = status.out().lines().toList();
        Set<String> expected = Set.of(peers(0, 1, 3).split(","));
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(Set.of(l.substring(l.indexOf("members=") + 8)
                .split(","))).isEqualTo(expected));
        assertThat(lines.stream().filter(l -> l.contains(" leader ")).count()).as(status.out()).isEqualTo(1);
        System.out.printf("raft: chorus jobs-raft status after the change (%.0f ms):%n%s%n", status.millis(),
                status.out().strip());

        // A backup from the new member holds every job.
        Path backup = dir.resolve("jobs-backup.db");
        Cli taken = jobsRaft("backup", "--peers", peers(0, 1, 3), "--member", "d", "--data-dir",
                dir.resolve("data-d").toString(), "--out", backup.toString());
        assertThat(taken.exit()).as(taken.err()).isZero();
        try (dev.chorus.jobs.JobStore copy = dev.chorus.jobs.JobStore.sqlite(backup)) {
            for (String id : made) {
                assertThat(copy.get(id)).as(id).isPresent();
                assertThat(copy.get(id).orElseThrow().status()).isEqualTo(dev.chorus.jobs.JobStatus.SUCCEEDED);
            }
        }
        System.out.printf("raft: %s; the replacement and the backup took %.1f s%n", taken.out().strip(),
                (System.nanoTime() - began) / 1e9);
    }
}

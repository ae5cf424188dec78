package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.server.internal.FileNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server with the espeak and piper engines over a voice directory the tests change while it runs: versioned
 * ids, hot reload under load, broken voice files, the admin routes, aliases with fallback and language defaults.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PiperVoicesTest {

    private static final String ADMIN_KEY = "piper-voices-test-admin-key";
    /** The checked-in test voices (tests run in the module's directory). */
    private static final Path CHECKED_IN = Path.of("..", "chorus-engine-piper", "src", "test", "resources", "voices");
    private static final List<String> SENTENCES = List.of("Hello world.", "The voice file changes now.",
            "Requests keep going.", "One more short sentence.");

    @TempDir
    static Path voices;

    private static ChorusServerExtension server;
    private static ChorusServerExtension keyless;

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("test-voice", "test-voice-multi", "test-voice-durations")) {
            copyCheckedIn(name);
        }
        server = ChorusServerExtension.of(null, r -> r
                        .enabledEngines(Set.of("espeak", "piper"))
                        .workers("espeak", 1).workers("piper", 2)
                        .setting("piper.voices", voices.toString())
                        .setting("piper.scan-interval", "200ms")
                        .defaultVoice("espeak:en-us")
                        .alias("narrator", List.of("piper:missing", "piper:test-voice", "espeak:en-us"))
                        .languageDefault("en-US", List.of("piper:missing", "piper:test-voice-multi#bob")),
                s -> s,
                c -> c.adminKey(ADMIN_KEY).voiceAlias("storyteller",
                        List.of("piper:missing", "piper:test-voice", "espeak:en-us")));
        server.beforeAll(null);
        server.assumeEspeak();
    }

    @AfterAll
    static void stop() {
        if (keyless != null) {
            keyless.afterAll(null);
        }
        if (server != null) {
            server.afterAll(null);
        }
    }

    private static void copyCheckedIn(String name) throws Exception {
        Files.copy(CHECKED_IN.resolve(name + ".onnx.json"), voices.resolve(name + ".onnx.json"),
                StandardCopyOption.REPLACE_EXISTING);
        install(Files.readAllBytes(CHECKED_IN.resolve(name + ".onnx")), voices.resolve(name + ".onnx"));
    }

    /** Writes a file beside its target under a name the engine ignores, then renames it into place. */
    private static void install(byte[] bytes, Path target) throws Exception {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static HttpResponse<byte[]> speak(ChorusServerExtension s, String json) throws Exception {
        return s.http().send(HttpRequest.newBuilder(s.uri("/v1/audio/speech"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String speech(String voice, String text) {
        return "{\"input\":" + Http.quote(text) + ",\"voice\":" + Http.quote(voice) + ",\"response_format\":\"wav\"}";
    }

    private static HttpResponse<byte[]> admin(ChorusServerExtension s, String method, String path, String bearer)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).timeout(Duration.ofSeconds(60));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        b.method(method, HttpRequest.BodyPublishers.noBody());
        return s.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode adminVoices() throws Exception {
        HttpResponse<byte[]> r = admin(server, "GET", "/admin/voices", ADMIN_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        return Http.json(r);
    }

    private static JsonNode piperVoices() throws Exception {
        return Http.json(Http.get(server, "/v1/voices?engine=piper"));
    }

    private static JsonNode find(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        return null;
    }

    /** Returns the version /v1/voices lists for {@code id}, or null when it is not listed. */
    private static String listedVersion(String id) throws Exception {
        JsonNode v = find(piperVoices().get("data"), id);
        return v == null ? null : v.get("version").asText();
    }

    private static JsonNode await(String what, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last;
        do {
            last = piperVoices();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("timed out waiting for " + what + "; last /v1/voices: " + last);
    }

    private static Wav checkedWav(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).as(() -> new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/wav");
        Wav wav = WavFiles.read(r.body());
        assertThat(wav.samples().length).isGreaterThan(0);
        return wav;
    }

    @Test
    @Order(1)
    void listsTheTestVoicesAndSpeaksWithThemAtTheirRate() throws Exception {
        JsonNode list = piperVoices();
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(v -> ids.add(v.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder("piper:test-voice", "piper:test-voice-durations",
                "piper:test-voice-multi", "piper:test-voice-multi#alice", "piper:test-voice-multi#bob",
                "piper:test-voice-multi#carol");
        for (JsonNode v : list.get("data")) {
            assertThat(v.get("version").asText()).isEqualTo("1");
            assertThat(v.get("status").asText()).isEqualTo("ok");
            assertThat(v.get("engine").asText()).isEqualTo("piper");
            assertThat(v.get("language").asText()).isEqualTo("en-US");
            assertThat(v.get("sample_rate").asInt()).isEqualTo(TestVoiceGenerator.SAMPLE_RATE);
        }
        assertThat(list.get("failed")).isEmpty();

        HttpResponse<byte[]> r = speak(server, speech("piper:test-voice", "Hello world. This is a Piper voice."));
        Wav wav = checkedWav(r);
        assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("piper:test-voice");
        assertThat(wav.sampleRate()).isEqualTo(TestVoiceGenerator.SAMPLE_RATE);
        assertThat(wav.seconds()).isBetween(0.3, 10.0);
        assertThat(Http.rms(wav.samples())).isGreaterThan(3000);

        HttpResponse<byte[]> bob = speak(server, speech("piper:test-voice-multi#bob", "Hello world."));
        assertThat(Http.rms(checkedWav(bob).samples())).isGreaterThan(1000);

        HttpResponse<byte[]> pinned = speak(server, speech("piper:test-voice@1", "Hello world."));
        assertThat(checkedWav(pinned).sampleRate()).isEqualTo(TestVoiceGenerator.SAMPLE_RATE);
        assertThat(pinned.headers().firstValue("x-chorus-voice")).hasValue("piper:test-voice");

        HttpResponse<byte[]> missing = speak(server, speech("piper:test-voice@9", "Hello world."));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Http.json(missing).at("/error/message").asText()).contains("piper:test-voice@1");
    }

    @Test
    @Order(2)
    void aliasesAndLanguageDefaultsSkipMissingVoices() throws Exception {
        for (String alias : List.of("narrator", "storyteller")) {
            HttpResponse<byte[]> r = speak(server, speech(alias, "Read by the alias."));
            checkedWav(r);
            assertThat(r.headers().firstValue("x-chorus-voice")).as(alias).hasValue("piper:test-voice");
        }
        // Registry aliases are listed with the OpenAI names, pointing at the voice they stand for now.
        JsonNode names = Http.json(Http.get(server, "/v1/audio/voices"));
        assertThat(names.get("voices").toString()).contains("\"narrator\"").contains("\"storyteller\"");
        HttpResponse<byte[]> byLanguage = speak(server,
                "{\"input\":\"Spoken in the language default.\",\"language\":\"en-US\",\"response_format\":\"wav\"}");
        checkedWav(byLanguage);
        assertThat(byLanguage.headers().firstValue("x-chorus-voice")).hasValue("piper:test-voice-multi#bob");
        HttpResponse<byte[]> noLanguage = speak(server,
                "{\"input\":\"Spoken by the default voice.\",\"response_format\":\"wav\"}");
        checkedWav(noLanguage);
        assertThat(noLanguage.headers().firstValue("x-chorus-voice")).hasValue("espeak:en-us");
    }

    @Test
    @Order(3)
    void replacingTheVoiceUnderLoadFailsNoRequest() throws Exception {
        long reloadsBefore = adminVoices().get("reloads").asLong();
        int threads = 8;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, Set<String>> bodiesBySentence = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            clients.add(Thread.ofPlatform().name("piper-client-" + t).start(() -> {
                MessageDigest sha;
                try {
                    sha = MessageDigest.getInstance("SHA-256");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = id; running.get(); i++) {
                    String text = SENTENCES.get(i % SENTENCES.size());
                    try {
                        HttpResponse<byte[]> r = speak(server, speech("piper:test-voice", text));
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                            continue;
                        }
                        Wav wav = WavFiles.read(r.body());
                        if (wav.sampleRate() != TestVoiceGenerator.SAMPLE_RATE || wav.samples().length == 0
                                || Http.rms(wav.samples()) < 1000
                                || !r.headers().firstValue("x-chorus-voice").orElse("").equals("piper:test-voice")) {
                            failures.add("bad audio: " + wav + " " + r.headers().map());
                            continue;
                        }
                        bodiesBySentence.computeIfAbsent(text, k -> ConcurrentHashMap.newKeySet())
                                .add(HexFormat.of().formatHex(sha.digest(r.body())));
                        ok.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        long started = System.nanoTime();
        List<Integer> versions = new ArrayList<>();
        List<Long> switchMillis = new ArrayList<>();
        versions.add(Integer.parseInt(listedVersion("piper:test-voice")));
        Thread.sleep(800);
        double[] baseHz = {130, 160, 190, 100};
        for (double hz : baseHz) {
            int before = versions.getLast();
            int okBefore = ok.get();
            byte[] model = TestVoiceGenerator.model(TestVoiceGenerator.Spec.of("test-voice").withBaseHz(hz));
            long t0 = System.nanoTime();
            install(model, voices.resolve("test-voice.onnx"));
            JsonNode now = await("a version after " + before, l -> {
                JsonNode v = find(l.get("data"), "piper:test-voice");
                return v != null && Integer.parseInt(v.get("version").asText()) > before;
            });
            switchMillis.add((System.nanoTime() - t0) / 1_000_000);
            versions.add(Integer.parseInt(find(now.get("data"), "piper:test-voice").get("version").asText()));
            // Serve a while on the new version before the next change.
            long until = System.nanoTime() + Duration.ofMillis(700).toNanos();
            while (System.nanoTime() < until || ok.get() < okBefore + 20) {
                Thread.sleep(50);
            }
        }
        running.set(false);
        for (Thread c : clients) {
            c.join(60_000);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        int maxDistinct = bodiesBySentence.values().stream().mapToInt(Set::size).max().orElse(0);
        System.out.printf("hot reload under load: %d threads, %d requests ok, %d failed in %d ms; versions %s; "
                        + "file rename to new version listed: %s ms; most distinct audio for one sentence: %d%n",
                threads, ok.get(), failures.size(), millis, versions, switchMillis, maxDistinct);

        assertThat(failures).as("failed requests").isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        assertThat(versions).hasSize(baseHz.length + 1).isSorted().doesNotHaveDuplicates();
        assertThat(versions.getLast()).isEqualTo(versions.getFirst() + baseHz.length);
        // The same sentence sounds different on each model, so several bodies per sentence show several versions served.
        assertThat(maxDistinct).isGreaterThanOrEqualTo(3);

        String current = Integer.toString(versions.getLast());
        JsonNode adm = adminVoices();
        assertThat(adm.get("reloads").asLong()).isGreaterThanOrEqualTo(reloadsBefore + baseHz.length);
        JsonNode entry = find(adm.get("data"), "piper:test-voice");
        assertThat(entry.get("version").asText()).isEqualTo(current);
        assertThat(entry.get("loaded").asBoolean()).isTrue();
        Set<String> loaded = server.synthesizer().registry().loadedVoices();
        assertThat(loaded).contains("piper:test-voice@" + current);
        for (int v : versions.subList(0, versions.size() - 1)) {
            assertThat(loaded).doesNotContain("piper:test-voice@" + v);
            HttpResponse<byte[]> old = speak(server, speech("piper:test-voice@" + v, "Hello world."));
            assertThat(old.statusCode()).isEqualTo(404);
            assertThat(Http.json(old).at("/error/message").asText()).contains("piper:test-voice@" + current);
        }
        checkedWav(speak(server, speech("piper:test-voice@" + current, "Hello world.")));
    }

    @Test
    @Order(4)
    void aliasFallsBackWhileTheVoiceIsDeletedAndVersionsGoOnWhenItReturns() throws Exception {
        int before = Integer.parseInt(listedVersion("piper:test-voice"));
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<byte[]> r = speak(server, speech("narrator", "Narrated text."));
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                            continue;
                        }
                        if (Http.rms(WavFiles.read(r.body()).samples()) < 300) {
                            failures.add("silent audio from " + r.headers().firstValue("x-chorus-voice"));
                            continue;
                        }
                        servedBy.computeIfAbsent(r.headers().firstValue("x-chorus-voice").orElse("?"),
                                k -> new AtomicInteger()).incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        Thread.sleep(500);
        long t0 = System.nanoTime();
        Files.delete(voices.resolve("test-voice.onnx"));
        Files.delete(voices.resolve("test-voice.onnx.json"));
        await("piper:test-voice to go", l -> find(l.get("data"), "piper:test-voice") == null);
        long goneMillis = (System.nanoTime() - t0) / 1_000_000;
        HttpResponse<byte[]> direct = speak(server, speech("piper:test-voice", "Hello world."));
        assertThat(direct.statusCode()).isEqualTo(404);
        Thread.sleep(700);
        Map<String, Integer> whileDeleted = snapshot(servedBy);

        long t1 = System.nanoTime();
        copyCheckedIn("test-voice");
        JsonNode back = await("piper:test-voice to return", l -> find(l.get("data"), "piper:test-voice") != null);
        long backMillis = (System.nanoTime() - t1) / 1_000_000;
        Thread.sleep(500);
        running.set(false);
        for (Thread c : clients) {
            c.join(60_000);
        }
        Map<String, Integer> all = snapshot(servedBy);
        System.out.printf("alias fallback: served by %s (by the time the voice was gone and 0.7 s later: %s), "
                        + "%d failed; removal listed after %d ms, re-added after %d ms; version %d -> %s%n",
                all, whileDeleted, failures.size(), goneMillis, backMillis, before,
                find(back.get("data"), "piper:test-voice").get("version").asText());

        assertThat(failures).as("failed alias requests").isEmpty();
        assertThat(whileDeleted).containsKeys("piper:test-voice", "espeak:en-us");
        assertThat(all.get("piper:test-voice")).isGreaterThan(whileDeleted.get("piper:test-voice"));
        int returned = Integer.parseInt(find(back.get("data"), "piper:test-voice").get("version").asText());
        assertThat(returned).as("versions are not reused").isEqualTo(before + 1);
        HttpResponse<byte[]> r = speak(server, speech("narrator", "Back again."));
        checkedWav(r);
        assertThat(r.headers().firstValue("x-chorus-voice")).hasValue("piper:test-voice");
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Test
    @Order(5)
    void brokenVoiceFilesAreReportedAndTheOthersKeepServing() throws Exception {
        byte[] json = Files.readAllBytes(CHECKED_IN.resolve("test-voice.onnx.json"));
        Files.write(voices.resolve("garbled.onnx.json"), json);
        install("this is not an ONNX model".getBytes(StandardCharsets.UTF_8), voices.resolve("garbled.onnx"));
        String badField = new String(json, StandardCharsets.UTF_8)
                .replace("\"sample_rate\" : 22050", "\"sample_rate\" : \"fast\"");
        assertThat(badField).contains("\"fast\"");
        // A voice that loaded before gets a bad config: its version 1 stays in service, marked failed.
        install(badField.getBytes(StandardCharsets.UTF_8), voices.resolve("test-voice-durations.onnx.json"));

        JsonNode list = await("both failures", l -> find(l.get("failed"), "piper:garbled") != null
                && find(l.get("failed"), "piper:test-voice-durations") != null
                && find(l.get("data"), "piper:test-voice-durations").get("status").asText().equals("failed"));
        String garbled = find(list.get("failed"), "piper:garbled").get("error").asText();
        assertThat(garbled).contains("garbled.onnx");
        assertThat(find(list.get("data"), "piper:garbled")).isNull();
        JsonNode durations = find(list.get("data"), "piper:test-voice-durations");
        assertThat(durations.get("status").asText()).isEqualTo("failed");
        assertThat(durations.get("version").asText()).isEqualTo("1");
        assertThat(durations.get("error").asText()).contains("test-voice-durations.onnx.json", "audio.sample_rate",
                "still serving version 1");
        assertThat(find(list.get("data"), "piper:test-voice").get("status").asText()).isEqualTo("ok");
        System.out.printf("broken voices: garbled: %s%n  durations: %s%n", garbled, durations.get("error").asText());

        JsonNode adm = adminVoices();
        // The admin route has the whole reason; the public one the same without the server's directories.
        String whole = find(adm.get("failed"), "piper:garbled").get("error").asText();
        assertThat(whole).contains(voices.toString());
        assertThat(garbled).doesNotContain(voices.toString()).isEqualTo(FileNames.withoutDirectories(whole));
        assertThat(find(adm.get("failed"), "piper:test-voice-durations")).isNotNull();

        checkedWav(speak(server, speech("piper:test-voice", "Still here.")));
        checkedWav(speak(server, speech("piper:test-voice-durations", "Still serving the old version.")));
        HttpResponse<byte[]> never = speak(server, speech("piper:garbled", "Hello."));
        assertThat(never.statusCode()).isEqualTo(503);
        assertThat(Http.json(never).at("/error/message").asText()).contains("garbled.onnx");

        Files.delete(voices.resolve("garbled.onnx"));
        Files.delete(voices.resolve("garbled.onnx.json"));
        install(Files.readAllBytes(CHECKED_IN.resolve("test-voice-durations.onnx.json")),
                voices.resolve("test-voice-durations.onnx.json"));
        JsonNode fixed = await("failures to clear", l -> l.get("failed").isEmpty());
        assertThat(find(fixed.get("data"), "piper:test-voice-durations").get("version").asText())
                .as("the same content again is not a new version").isEqualTo("1");
    }

    @Test
    @Order(6)
    void aVoiceInThePiperRepositoryLayoutIsFound() throws Exception {
        Path deep = Files.createDirectories(voices.resolve("en").resolve("en_US").resolve("deep").resolve("medium"));
        Files.copy(CHECKED_IN.resolve("test-voice.onnx.json"), deep.resolve("en_US-deep-medium.onnx.json"));
        install(Files.readAllBytes(CHECKED_IN.resolve("test-voice.onnx")), deep.resolve("en_US-deep-medium.onnx"));
        await("the voice four levels down", l -> find(l.get("data"), "piper:en_US-deep-medium") != null);
        checkedWav(speak(server, speech("piper:en_US-deep-medium", "Found in a subdirectory.")));
    }

    @Test
    @Order(7)
    void adminRoutesNeedTheKeyAndLoadUnloadAndReload() throws Exception {
        assertThat(admin(server, "GET", "/admin/voices", null).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> wrong = admin(server, "GET", "/admin/voices", "not-the-admin-key-at-all");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Http.json(wrong).at("/error/code").asText()).isEqualTo("invalid_api_key");
        HttpResponse<byte[]> none = admin(server, "POST", "/admin/voices/piper:test-voice/reload", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(Http.json(none).at("/error/code").asText()).isEqualTo("missing_api_key");

        String id = "piper:test-voice-multi";
        HttpResponse<byte[]> loaded = admin(server, "POST", "/admin/voices/" + id + "/load", ADMIN_KEY);
        assertThat(loaded.statusCode()).isEqualTo(200);
        assertThat(Http.json(loaded).get("status").asText()).isEqualTo("loaded");
        assertThat(Http.json(loaded).get("version").asText()).isEqualTo("1");
        assertThat(find(adminVoices().get("data"), id).get("loaded").asBoolean()).isTrue();

        HttpResponse<byte[]> unloaded = admin(server, "POST", "/admin/voices/" + id + "/unload", ADMIN_KEY);
        assertThat(Http.json(unloaded).get("status").asText()).isEqualTo("unloaded");
        assertThat(find(adminVoices().get("data"), id).get("loaded").asBoolean()).isFalse();
        assertThat(Http.json(admin(server, "POST", "/admin/voices/" + id + "/unload", ADMIN_KEY)).get("status")
                .asText()).isEqualTo("not_loaded");

        HttpResponse<byte[]> speaker = admin(server, "POST", "/admin/voices/" + id + "%23carol/load", ADMIN_KEY);
        assertThat(speaker.statusCode()).as(() -> new String(speaker.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(Http.json(speaker).get("id").asText()).isEqualTo(id + "#carol");

        long reloads = adminVoices().get("reloads").asLong();
        HttpResponse<byte[]> same = admin(server, "POST", "/admin/voices/" + id + "/reload", ADMIN_KEY);
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(Http.json(same).get("status").asText()).isEqualTo("reloaded");
        assertThat(Http.json(same).get("version").asText()).as("unchanged files keep their version").isEqualTo("1");
        assertThat(adminVoices().get("reloads").asLong()).isGreaterThan(reloads);

        HttpResponse<byte[]> unknown = admin(server, "POST", "/admin/voices/piper:nope/load", ADMIN_KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);

        checkedWav(speak(server, speech(id + "#carol", "After the reload.")));

        keyless = ChorusServerExtension.of(null, r -> r.enabledEngines(Set.of("espeak"))
                .defaultVoice("espeak:en-us"), s -> s, c -> c.warmUp(false));
        keyless.beforeAll(null);
        HttpResponse<byte[]> off = admin(keyless, "GET", "/admin/voices", ADMIN_KEY);
        assertThat(off.statusCode()).isEqualTo(404);
        assertThat(admin(keyless, "POST", "/admin/voices/espeak:en-us/load", ADMIN_KEY).statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(8)
    void aliasRequestsNeverFailWhileTheVoiceComesAndGoes() throws Exception {
        int cycles = 8;
        int before = Integer.parseInt(listedVersion("piper:test-voice"));
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<byte[]> r = speak(server, speech("narrator", "Narrated text."));
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                            continue;
                        }
                        servedBy.computeIfAbsent(r.headers().firstValue("x-chorus-voice").orElse("?"),
                                k -> new AtomicInteger()).incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        long started = System.nanoTime();
        for (int k = 0; k < cycles; k++) {
            Files.delete(voices.resolve("test-voice.onnx"));
            Files.delete(voices.resolve("test-voice.onnx.json"));
            await("piper:test-voice to go", l -> find(l.get("data"), "piper:test-voice") == null);
            Thread.sleep(50);
            copyCheckedIn("test-voice");
            await("piper:test-voice to return", l -> find(l.get("data"), "piper:test-voice") != null);
            Thread.sleep(50);
        }
        running.set(false);
        for (Thread c : clients) {
            c.join(60_000);
        }
        String after = listedVersion("piper:test-voice");
        System.out.printf("alias through %d removals and returns: served by %s, %d failed, in %d ms; version %d -> %s%n",
                cycles, snapshot(servedBy), failures.size(), (System.nanoTime() - started) / 1_000_000, before,
                after);
        assertThat(failures).as("failed alias requests").isEmpty();
        assertThat(servedBy).containsOnlyKeys("piper:test-voice", "espeak:en-us");
        assertThat(Integer.parseInt(after)).isEqualTo(before + cycles);
        assertThat(Http.json(Http.get(server, "/v1/voices")).get("failed")).isEmpty();
    }
}

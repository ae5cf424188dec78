package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.testing.ExternalProgram;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for the HTTP tests: JSON requests and bodies, and an optional ffprobe check of audio bytes. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** Posts {@code json} to {@code path} and returns the whole response. */
    static HttpResponse<byte[]> post(ChorusServerExtension server, String path, String json) throws Exception {
        return server.http().send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Gets {@code path} and returns the whole response. */
    static HttpResponse<byte[]> get(ChorusServerExtension server, String path) throws Exception {
        return server.http().send(HttpRequest.newBuilder(server.uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Parses a response body as JSON. */
    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** Returns a JSON string literal for {@code s}. */
    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the client class the tests use for HTTP/2 (h2c). */
    static HttpClient h2c() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    }

    /**
     * Returns the duration ffprobe reads from {@code bytes}, or -1 when ffprobe is not installed.
     * {@code inputOptions} describe headerless input (e.g. {@code -f s16le -ar 16000 -ac 1}).
     */
    static double ffprobeSeconds(byte[] bytes, String suffix, String... inputOptions) throws Exception {
        if (!ExternalProgram.installed("ffprobe")) {
            return -1;
        }
        List<String> args = new ArrayList<>(List.of("-v", "error"));
        args.addAll(List.of(inputOptions));
        args.addAll(List.of("-show_entries", "format=duration", "-of", "default=nw=1:nk=1"));
        ExternalProgram.Result r = ExternalProgram.require("ffprobe").runOnFile(bytes, suffix,
                args.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError("ffprobe failed on " + suffix + ": " + r.all());
        }
        return Double.parseDouble(r.text().trim());
    }

    /** Returns the root-mean-square level of 16-bit samples, 0 to 32767. */
    static double rms(short[] samples) {
        double sum = 0;
        for (short s : samples) {
            sum += (double) s * s;
        }
        return samples.length == 0 ? 0 : Math.sqrt(sum / samples.length);
    }
}

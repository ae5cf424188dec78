package dev.chorus.server;

import dev.chorus.jobs.JobsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A language the voice cannot speak is refused when the request arrives, on every route, with the field named:
 * a long-form job is never accepted and then failed for it.
 */
@Timeout(120)
class LanguageRefusalTest {

    private static final Path DIR = tempDir();

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(null,
            r -> r.workers("espeak", 1).workers("hmm", 1), s -> s,
            c -> c.warmUp(false).jobs(JobsConfig.builder(DIR.resolve("data")).build()));

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("chorus-language-refusal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return SERVER.http().send(HttpRequest.newBuilder(SERVER.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDefaultVoiceRefusesAnotherLanguageOnTheSpeechRouteAndTheJobsRouteAlike() throws Exception {
        int jobsBefore = jobs();
        for (String body : new String[]{
                "{\"input\":\"Hello there.\",\"language\":\"xx-bogus\"}",
                "{\"input\":\"Hello there.\",\"voice\":\"hmm:cmu-slt-hsmm\",\"language\":\"fr-FR\"}",
                "{\"input\":\"<speak xml:lang=\\\"fr-FR\\\">Bonjour.</speak>\",\"voice\":\"hmm:cmu-slt-hsmm\"}",
                "{\"input\":\"<speak>Hello <lang xml:lang=\\\"fr-FR\\\">ami</lang>.</speak>\","
                        + "\"voice\":\"hmm:cmu-slt-hsmm\"}"}) {
            for (String path : new String[]{"/v1/audio/speech", "/v1/audio/jobs"}) {
                HttpResponse<String> r = post(path, body);
                assertThat(r.statusCode()).as(path + " " + body).isEqualTo(400);
                assertThat(r.body()).as(path + " " + body).contains("\"param\":\"language\"")
                        .contains("for voice hmm:cmu-slt-hsmm");
            }
        }
        // A blank language is no language: the voice's own.
        for (String path : new String[]{"/v1/audio/speech", "/v1/audio/jobs"}) {
            HttpResponse<String> blank = post(path, "{\"input\":\"Hello.\",\"language\":\" \"}");
            assertThat(blank.statusCode()).as(path).isEqualTo(path.endsWith("jobs") ? 202 : 200);
        }
        assertThat(jobs()).as("jobs accepted: the blank language's only").isEqualTo(jobsBefore + 1);
    }

    private static int jobs() throws Exception {
        HttpResponse<String> listed = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/v1/audio/jobs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).isEqualTo(200);
        return listed.body().split("\"id\"", -1).length - 1;
    }

    @Test
    void espeakSwitchesToALanguageItSpeaksAndRefusesOneItDoesNot() throws Exception {
        SERVER.assumeEspeak();
        HttpResponse<String> german = post("/v1/audio/speech",
                "{\"input\":\"Guten Tag.\",\"voice\":\"espeak:en-us\",\"language\":\"de\",\"response_format\":\"wav\"}");
        assertThat(german.statusCode()).isEqualTo(200);
        HttpResponse<String> job = post("/v1/audio/jobs",
                "{\"input\":\"Guten Tag.\",\"voice\":\"espeak:en-us\",\"language\":\"de\"}");
        assertThat(job.statusCode()).isEqualTo(202);
        for (String path : new String[]{"/v1/audio/speech", "/v1/audio/jobs"}) {
            HttpResponse<String> r = post(path, "{\"input\":\"Hello.\",\"voice\":\"espeak:en-us\",\"language\":\"qqq\"}");
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.body()).as(path).contains("\"param\":\"language\"").contains("a language eSpeak NG speaks");
        }
    }
}

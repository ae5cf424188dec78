package dev.chorus.ssml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SsmlParserConcurrencyTest {

    @Test
    void oneParserServesManyThreads() throws Exception {
        SsmlParser parser = new SsmlParser();
        List<String> documents = new ArrayList<>();
        for (long seed = 0; seed < 50; seed++) {
            documents.add(SsmlGenerator.valid(seed));
        }
        List<SsmlDocument> expected = documents.stream().map(parser::parse).toList();
        try (ExecutorService executor = Executors.newFixedThreadPool(4)) {
            List<Future<List<SsmlDocument>>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                results.add(executor.submit(() -> {
                    List<SsmlDocument> parsed = new ArrayList<>();
                    for (int round = 0; round < 10; round++) {
                        parsed.clear();
                        documents.forEach(document -> parsed.add(parser.parse(document)));
                    }
                    return parsed;
                }));
            }
            for (Future<List<SsmlDocument>> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        }
    }
}

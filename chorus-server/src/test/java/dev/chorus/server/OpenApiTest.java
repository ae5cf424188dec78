package dev.chorus.server;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.RoutePathType;
import com.linecorp.armeria.server.ServiceConfig;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /openapi.json} parses as OpenAPI 3.1 and describes exactly the HTTP routes the server has. */
class OpenApiTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    @Test
    void documentIsValidAndMatchesTheServersRoutes() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(new String(r.body(), StandardCharsets.UTF_8));
        assertThat(parsed.getMessages()).as("parser messages").isEmpty();
        OpenAPI api = parsed.getOpenAPI();
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");

        Map<String, Set<String>> documented = new TreeMap<>();
        api.getPaths().forEach((path, item) -> documented.put(path, methods(item)));
        assertThat(documented).isEqualTo(serverRoutes());
    }

    @Test
    void everyOperationHasAResponseAndEveryReferenceResolves() throws Exception {
        HttpResponse<byte[]> r = Http.get(SERVER, "/openapi.json");
        var options = new io.swagger.v3.parser.core.models.ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(new String(r.body(), StandardCharsets.UTF_8),
                null, options);
        assertThat(parsed.getMessages()).isEmpty();
        parsed.getOpenAPI().getPaths().forEach((path, item) -> item.readOperations().forEach(op -> {
            assertThat(op.getResponses()).as(path).isNotEmpty();
            assertThat(op.getOperationId()).as(path).isNotBlank();
        }));
        assertThat(parsed.getOpenAPI().getComponents().getSchemas())
                .containsKeys("CreateSpeechRequest", "chorus.tts.v1.SynthesizeRequest", "chorus.tts.v1.Voice");
    }

    /** Returns the HTTP routes of the server, leaving out native gRPC methods, the /docs browser and the playground. */
    private static Map<String, Set<String>> serverRoutes() {
        Map<String, Set<String>> routes = new TreeMap<>();
        for (ServiceConfig c : SERVER.server().armeria().serviceConfigs()) {
            Route route = c.route();
            String path = route.patternString();
            if (route.pathType() == RoutePathType.PREFIX || path.startsWith("/docs") || path.equals("/")
                    || path.startsWith("/chorus.tts.v1.") || path.startsWith("/grpc.")) {
                continue;
            }
            assertThat(route.pathType()).as(path).isIn(RoutePathType.EXACT, RoutePathType.PARAMETERIZED);
            Set<String> methods = routes.computeIfAbsent(path.replaceAll(":([a-z_]+)", "{$1}"),
                    p -> new TreeSet<>());
            route.methods().stream().filter(m -> m != HttpMethod.HEAD && m != HttpMethod.OPTIONS)
                    .map(m -> m.name().toLowerCase(Locale.ROOT)).forEach(methods::add);
        }
        return routes;
    }

    private static Set<String> methods(PathItem item) {
        Set<String> m = new TreeSet<>();
        item.readOperationsMap().keySet().forEach(k -> m.add(k.name().toLowerCase(Locale.ROOT)));
        return m;
    }
}

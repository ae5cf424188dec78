package dev.chorus.server.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;

import java.util.Locale;
import java.util.Map;

/** {@code /healthz} (the process answers) and {@code /readyz} (voices loaded, not shutting down). */
public final class HealthService {

    private final Synthesizer synthesizer;
    private final Readiness readiness;

    public HealthService(Synthesizer synthesizer, Readiness readiness) {
        this.synthesizer = synthesizer;
        this.readiness = readiness;
    }

    /** Answers 200 while the server runs. */
    @Get("/healthz")
    @Description("Liveness: 200 while the process serves requests.")
    public HttpResponse healthz() {
        return HttpResponse.ofJson(JsonNodeFactory.instance.objectNode().put("status", "ok"));
    }

    /** Answers 200 when the server is ready for traffic, else 503, with the engines' state either way. */
    @Get("/readyz")
    @Description("Readiness: 200 once the default voice is loaded and engines are ready; 503 while starting or "
            + "shutting down.")
    public HttpResponse readyz() {
        Readiness.State state = readiness.state();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", state.name().toLowerCase(Locale.ROOT));
        body.put("detail", readiness.detail());
        EngineRegistry registry = synthesizer.registry();
        ObjectNode engines = body.putObject("engines");
        for (String id : registry.engines().keySet()) {
            engines.putObject(id).put("status", "ready").put("workers", registry.workers(id))
                    .put("pending_requests", synthesizer.scheduler().pendingRequests(id));
        }
        for (Map.Entry<String, String> e : registry.unavailable().entrySet()) {
            engines.putObject(e.getKey()).put("status", "unavailable").put("reason", e.getValue());
        }
        body.put("in_flight_chunks", synthesizer.scheduler().inFlight());
        body.put("queued_chunks", synthesizer.scheduler().queued());
        return HttpResponse.ofJson(state == Readiness.State.READY ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
                body);
    }
}

package dev.chorus.server.admin;

import dev.chorus.service.ApiException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.tts.VoiceInfo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The voice admin routes, behind the admin key ({@code Authorization: Bearer KEY}): list voices with their load
 * state, and load, unload or reload one. Without a configured key the routes answer 404, as if absent.
 */
public final class AdminService {

    private final EngineRegistry registry;
    private final byte[] key;

    public AdminService(EngineRegistry registry, String adminKey) {
        this.registry = registry;
        this.key = adminKey == null ? null : adminKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Lists every voice with its version and load state, and the voices that failed to load. */
    @Get("/admin/voices")
    @Description("Lists voices with version and load state, and voice files that failed to load (admin key).")
    public HttpResponse list(ServiceRequestContext ctx) {
        return run(ctx, () -> listing());
    }

    private ObjectNode listing() {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        Set<String> loaded = registry.loadedVoices();
        for (VoiceInfo v : registry.voices()) {
            data.addObject().put("id", v.id()).put("version", v.version()).put("engine", v.engine())
                    .put("loaded", loaded.contains(v.id() + "@" + v.version()));
        }
        ArrayNode failed = root.putArray("failed");
        registry.failures().forEach((id, reason) -> failed.addObject().put("id", id).put("error", reason));
        root.put("loads", registry.loads()).put("reloads", registry.reloads());
        return root;
    }

    /** Loads a voice now, so its first request does not wait. */
    @Post("/admin/voices/{id}/load")
    @Blocking
    @Description("Loads a voice now (admin key).")
    public HttpResponse load(ServiceRequestContext ctx, @Param("id") String id) {
        return run(ctx, () -> state(registry.load(id), "loaded"));
    }

    /** Unloads a voice; requests using it finish first, and it loads again on next use. */
    @Post("/admin/voices/{id}/unload")
    @Blocking
    @Description("Unloads a voice after its in-flight requests (admin key).")
    public HttpResponse unload(ServiceRequestContext ctx, @Param("id") String id) {
        return run(ctx, () -> {
            VoiceInfo v = registry.resolve(id);
            boolean was = registry.unload(id);
            return state(v, was ? "unloaded" : "not_loaded");
        });
    }

    /** Rereads a voice from its source; a changed file becomes a new version. */
    @Post("/admin/voices/{id}/reload")
    @Blocking
    @Description("Rereads a voice from its files; requests in flight finish on the old copy (admin key).")
    public HttpResponse reload(ServiceRequestContext ctx, @Param("id") String id) {
        return run(ctx, () -> state(registry.reload(id), "reloaded"));
    }

    private HttpResponse run(ServiceRequestContext ctx, Supplier<ObjectNode> action) {
        try {
            check(ctx);
            return HttpResponse.ofJson(action.get());
        } catch (RuntimeException e) {
            return ApiErrors.of(e).toResponse().toHttpResponse();
        }
    }

    private static ObjectNode state(VoiceInfo v, String state) {
        return JsonNodeFactory.instance.objectNode().put("id", v.id()).put("version", v.version())
                .put("status", state);
    }

    private void check(ServiceRequestContext ctx) {
        check(ctx, key);
    }

    /** Returns a GET route that answers {@code body}'s JSON behind the admin key. */
    public static com.linecorp.armeria.server.HttpService json(String adminKey,
                                                                java.util.function.Supplier<String> body) {
        byte[] key = adminKey == null ? null : adminKey.getBytes(StandardCharsets.UTF_8);
        return (ctx, req) -> {
            try {
                check(ctx, key);
                return HttpResponse.of(HttpStatus.OK, com.linecorp.armeria.common.MediaType.JSON_UTF_8, body.get());
            } catch (RuntimeException e) {
                return ApiErrors.of(e).toResponse().toHttpResponse();
            }
        };
    }

    /** Checks the admin key of a request; throws 404 when admin routes are off, 401 for no or a wrong key. */
    public static void check(ServiceRequestContext ctx, byte[] key) {
        if (key == null) {
            throw new ApiException(404, "not_found", null, "admin routes are off (expected: an admin key in the "
                    + "server configuration, admin.key)");
        }
        String auth = ctx.request().headers().get(HttpHeaderNames.AUTHORIZATION, "");
        String given = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : "";
        if (given.isEmpty()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED.code(), "missing_api_key", null,
                    "admin route: no key (expected: Authorization: Bearer <admin key>)");
        }
        if (!MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(HttpStatus.UNAUTHORIZED.code(), "invalid_api_key", null,
                    "admin route: the key is not the admin key");
        }
    }
}

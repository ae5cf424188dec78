package dev.chorus.server.internal;

import dev.chorus.service.ApiException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.tts.ChorusException;

import java.util.Locale;

/**
 * Answers every HTTP error in OpenAI's error shape: errors our services throw, and the statuses Armeria produces
 * itself (unknown route, wrong method, body too large, a bad query parameter).
 */
public final class JsonErrorHandler implements ServerErrorHandler {

    private final long maxRequestBytes;

    public JsonErrorHandler(long maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        Throwable t = ApiErrors.unwrap(cause);
        if (t instanceof ApiException || t instanceof ChorusException) {
            return ApiErrors.of(t).toResponse().toHttpResponse();
        }
        return null; // Armeria's own mapping (e.g. HttpStatusException), rendered by renderStatus below.
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config,
                                               RequestHeaders headers, HttpStatus status, String description,
                                               Throwable cause) {
        String route = headers == null ? "" : headers.method() + " " + headers.path();
        String message = switch (status.code()) {
            case 404 -> "route: " + route + " does not exist (see /openapi.json)";
            case 405 -> "method: " + route + " is not allowed on this route (see /openapi.json)";
            case 413 -> "request body: larger than the limit of " + maxRequestBytes + " bytes";
            case 415 -> "content type: not supported by " + route;
            default -> description != null && !description.isBlank() ? description : status.reasonPhrase();
        };
        String code = status.reasonPhrase().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return new ApiErrors.ApiError(status.code(), code, null, message, 0).toResponse();
    }
}

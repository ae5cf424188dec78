package dev.chorus.server.internal;

import dev.chorus.service.ApiException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.util.CompositeException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.tts.ChorusException;

import io.netty.handler.codec.DecoderException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Answers every HTTP error in OpenAI's error shape: errors our services throw, and the statuses Armeria produces
 * itself (unknown route, wrong method, body too large, a bad query parameter).
 */
public final class JsonErrorHandler implements ServerErrorHandler {

    /** A Java class name or a stack frame, which a client must never see. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(?:[a-z]\\w{0,30}\\.){2,8}[A-Z]|"
            + "[A-Za-z]{0,60}(?:Exception|Error)\\b|\\bat [\\w.$]{1,200}\\(");

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
        if (undecodable(t)) {
            return undecodableBody(ctx.request().headers()).toResponse().toHttpResponse();
        }
        return null; // Armeria's own mapping (e.g. HttpStatusException), rendered by renderStatus below.
    }

    /** Tells whether {@code t} says a gzip or deflate body did not decode (not that it decoded too large: 413). */
    private static boolean undecodable(Throwable t) {
        boolean decoder = false;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ContentTooLargeException) {
                return false;
            }
            if (c instanceof CompositeException all) { // The decoder's error and the stream's, side by side.
                return all.getExceptions().stream().anyMatch(JsonErrorHandler::undecodable);
            }
            decoder |= c instanceof DecoderException;
        }
        return decoder;
    }

    private static ApiErrors.ApiError undecodableBody(RequestHeaders headers) {
        String coding = headers.get("content-encoding", "gzip");
        return ApiErrors.of(ApiException.badRequest("invalid_encoding", null, "request body: not valid data for its "
                + "Content-Encoding (expected: a body compressed with " + coding.replaceAll("[^\\x20-\\x7e]", "?")
                + ")"));
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config,
                                               RequestHeaders headers, HttpStatus status, String description,
                                               Throwable cause) {
        if (status.code() == 500 && headers != null && undecodable(cause)) {
            return undecodableBody(headers).toResponse();
        }
        String route = headers == null ? "" : headers.method() + " " + headers.path();
        String message = switch (status.code()) {
            case 404 -> "route: " + route + " does not exist (see /openapi.json)";
            case 405 -> "method: " + route + " is not allowed on this route (see /openapi.json)";
            case 413 -> "request body: larger than the limit of " + maxRequestBytes + " bytes";
            case 415 -> "content type: not supported by " + route;
            // A fault of this server: Armeria's description may name an exception; the log has the details.
            case 500 -> ApiErrors.INTERNAL_ERROR;
            default -> description != null && !description.isBlank() && description.length() <= 1000
                    && !JAVA_NAME.matcher(description).find() ? description : status.reasonPhrase();
        };
        String code = status.reasonPhrase().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return new ApiErrors.ApiError(status.code(), code, null, message, 0).toResponse();
    }
}

package dev.chorus.server.internal;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Answers every request with an {@code x-request-id} header, which OpenAI's SDKs read as the request's id (the
 * {@code _request_id} of a response, the {@code request_id} of an error): the client's own {@code x-request-id}
 * when it sent a sane one (1 to 128 characters of letters, digits and {@code ._:/+=-}), else
 * {@code req_} followed by the server's id of the request, the one its logs and {@code x-chorus-request-id} carry.
 * As the outermost of the server's own decorators it also gives each request its {@link ResponseHeaderSink}.
 */
public final class RequestIdDecorator extends SimpleDecoratingHttpService {

    /** The header OpenAI's API and SDKs use for the request id. */
    public static final String HEADER = "x-request-id";

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

    private RequestIdDecorator(HttpService delegate) {
        super(delegate);
    }

    /** Returns the decorator; the server adds it once, around every route. */
    public static Function<? super HttpService, RequestIdDecorator> newDecorator() {
        return RequestIdDecorator::new;
    }

    /** Returns the id to answer with: the client's when sane, else one made from the server's id of the request. */
    static String idFor(String clientId, String serverId) {
        return clientId != null && SANE.matcher(clientId).matches() ? clientId : "req_" + serverId;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        ResponseHeaderSink sink = ResponseHeaderSink.attach(ctx);
        sink.set(HEADER, idFor(req.headers().get(HEADER), ctx.id().text()));
        HttpResponse response = unwrap().serve(ctx, req);
        // A response answered at once took the headers in its own (a cache hit); any other gets them merged.
        sink.handOff();
        return response;
    }
}

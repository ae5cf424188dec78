package dev.chorus.server.docs;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Serves the API docs' page without anything from another origin: Armeria's bundled page links its fonts from
 * Google Fonts, which a self-hosted server should not make every visitor's browser fetch (and which an offline
 * network cannot reach). The page's other assets (scripts, workers, the code editor) already come from this server;
 * without the link the page uses the browser's own sans-serif and monospace fonts.
 */
public final class OfflineDocsPage extends SimpleDecoratingHttpService {

    /** A {@code <link>} (style sheet, font, preconnect) to an absolute http(s) or protocol-relative URL. */
    private static final Pattern REMOTE_LINK = Pattern.compile(
            "<link\\b[^>]*\\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>", Pattern.CASE_INSENSITIVE);

    private OfflineDocsPage(HttpService delegate) {
        super(delegate);
    }

    /** Returns the decorator for the docs' service. */
    public static Function<? super HttpService, OfflineDocsPage> newDecorator() {
        return OfflineDocsPage::new;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        String path = ctx.mappedPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            return unwrap().serve(ctx, req);
        }
        // The page may come gzipped (as the client allows); rewrite() reads it either way.
        return HttpResponse.of(unwrap().serve(ctx, req).aggregate().thenApply(OfflineDocsPage::rewrite));
    }

    private static HttpResponse rewrite(AggregatedHttpResponse res) {
        MediaType type = res.contentType();
        if (res.status() != HttpStatus.OK || type == null || !type.is(MediaType.ANY_TEXT_TYPE)) {
            return res.toHttpResponse();
        }
        // By the gzip magic, not the header: the file service may have decoded a precompressed page already.
        byte[] body = res.content().array();
        if (body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            body = gunzip(body);
        }
        String html = REMOTE_LINK.matcher(new String(body, StandardCharsets.UTF_8)).replaceAll("");
        ResponseHeaders headers = res.headers().toBuilder().removeAndThen(HttpHeaderNames.CONTENT_ENCODING)
                .removeAndThen(HttpHeaderNames.CONTENT_LENGTH).removeAndThen(HttpHeaderNames.ETAG)
                .removeAndThen(HttpHeaderNames.LAST_MODIFIED).build();
        return HttpResponse.of(headers, HttpData.ofUtf8(html));
    }

    private static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

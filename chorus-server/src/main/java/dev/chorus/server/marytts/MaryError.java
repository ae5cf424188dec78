package dev.chorus.server.marytts;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An error answered as MaryTTS's server answers it: the status, and a small HTML page ({@code text/html;
 * charset=UTF-8}) whose heading is the status's reason and whose paragraph says what was wrong. Unlike MaryTTS,
 * the client's values are escaped, a server fault names no exception, and a refusal keeps its own status
 * (401, 413, 422, 429, 503, 504) rather than becoming a 500.
 */
final class MaryError extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;
    private final Map<String, String> headers;

    MaryError(int status, String message) {
        this(status, message, 0, Map.of());
    }

    MaryError(int status, String message, long retryAfterSeconds, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.headers = headers;
    }

    /** MaryTTS's answer to a request that lacks {@code what}: 400, "Request must contain the parameter ...". */
    static MaryError missing(String what) {
        return new MaryError(400, "Request must contain the parameter " + what);
    }

    /** MaryTTS's answer to a parameter with a value it cannot use: 400, "The value '...' of parameter ...". */
    static MaryError wrongValue(String param, String value, String explanation) {
        return new MaryError(400, "The value '" + value + "' of parameter '" + param + "' is not valid"
                + (explanation != null ? ": " + explanation : ""));
    }

    int status() {
        return status;
    }

    /** Returns the HTTP response: the status, Retry-After when set, and the HTML page. */
    AggregatedHttpResponse toResponse() {
        HttpStatus s = HttpStatus.valueOf(status);
        ResponseHeadersBuilder h = ResponseHeaders.builder(s).contentType(MediaType.HTML_UTF_8);
        if (retryAfterSeconds > 0) {
            h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        headers.forEach(h::set);
        String page = "<html><body><h1>" + escape(s.reasonPhrase()) + "</h1><p>" + escape(getMessage())
                + ".</p></body></html>";
        return AggregatedHttpResponse.of(h.build(), HttpData.of(StandardCharsets.UTF_8, page));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}

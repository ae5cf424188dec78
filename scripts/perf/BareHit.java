import com.linecorp.armeria.common.ExchangeType;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.RoutingContext;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.server.internal.ResponseHeadCoalescer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor under a Chorus cache hit: a bare Armeria service that answers {@code POST /v1/audio/speech} with one
 * file's bytes from a direct buffer and the same headers as a hit, and does nothing else (no parsing, keys,
 * authentication, limits, meters, span or access line). Mode {@code streaming} declares the exchange Chorus's speech
 * route has (an aggregated request, a streamed response) with the same head coalescing; {@code unary} the cheapest
 * exchange Armeria has. Run with the server's libraries on the class path:
 * {@code java -cp 'chorus-app/target/lib/*' scripts/perf/BareHit.java PORT FILE streaming|unary}.
 */
public final class BareHit {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] bytes = Files.readAllBytes(Path.of(args[1]));
        ExchangeType exchange = switch (args[2]) {
            case "streaming" -> ExchangeType.RESPONSE_STREAMING;
            case "unary" -> ExchangeType.UNARY;
            default -> throw new IllegalArgumentException("mode: " + args[2] + " (expected: streaming or unary)");
        };
        ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        MediaType type = args[1].endsWith(".wav") ? MediaType.parse("audio/wav") : MediaType.parse("audio/mpeg");
        HttpService hit = new HttpService() {
            @Override
            public ExchangeType exchangeType(RoutingContext routing) {
                return exchange;
            }

            @Override
            public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
                return HttpResponse.of(req.aggregate().thenApply(body -> {
                    ResponseHeaders h = ResponseHeaders.builder(HttpStatus.OK).contentType(type)
                            .contentLength(bytes.length).set("x-chorus-voice", "espeak:en-us")
                            .setInt("x-chorus-sample-rate", 22050).set("x-chorus-cache", "hit")
                            .set("x-chorus-request-id", "0123456789abcdef").set("x-request-id", "req_0123456789abcdef")
                            .set("x-chorus-trace-id", "0123456789abcdef0123456789abcdef")
                            .set("traceparent", "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01")
                            .set("traceresponse", "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01")
                            .set("date", "Sun, 06 Dec 2026 00:00:00 GMT").build();
                    return HttpResponse.of(new HttpObject[] {h, HttpData.wrap(direct.retainedDuplicate())
                            .withEndOfStream()});
                }));
            }
        };
        ServerBuilder sb = Server.builder().http(new InetSocketAddress("127.0.0.1", port)).disableServerHeader()
                .disableDateHeader()
                .service("/v1/audio/speech", hit);
        if (exchange == ExchangeType.RESPONSE_STREAMING) {
            sb.childChannelPipelineCustomizer(p -> p.addLast(new ResponseHeadCoalescer()));
        }
        sb.build().start().join();
        System.out.println("ready on " + port);
    }
}

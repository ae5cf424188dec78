package dev.chorus.server.internal;

import dev.chorus.service.ApiException;
import io.grpc.Metadata;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcErrorsTest {

    @Test
    void refusalsMapToTheStatusAGrpcClientRetriesOn() {
        Metadata trailers = new Metadata();
        Status s = GrpcErrors.of(new ApiException(503, "limit_store_unavailable", null, "limits unavailable", 1,
                Map.of()), trailers);
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(trailers.get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("1");
        assertThat(GrpcErrors.of(new ApiException(429, "rate_limit_exceeded", null, "slow down", 2, Map.of()),
                new Metadata()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcErrors.of(new ApiException(500, "internal_error", null, "x", 0, Map.of()),
                new Metadata()).getCode()).isEqualTo(Status.Code.INTERNAL);
    }
}

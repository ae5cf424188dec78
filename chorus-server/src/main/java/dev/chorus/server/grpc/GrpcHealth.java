package dev.chorus.server.grpc;

import dev.chorus.server.admin.Readiness;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

import java.util.List;

/**
 * The standard {@code grpc.health.v1.Health} service, following the server's readiness as {@code /readyz} does:
 * {@code NOT_SERVING} while the voices warm up, {@code SERVING} once ready, {@code NOT_SERVING} again when warm-up
 * failed or shutdown began. The status holds for the server as a whole (the empty service name) and for each
 * service it names. {@code Check} answers at once; {@code Watch} streams every change.
 */
public final class GrpcHealth {

    private final HealthStatusManager manager = new HealthStatusManager();
    private final List<String> services;

    private GrpcHealth(List<String> services) {
        this.services = List.copyOf(services);
    }

    /** Returns a health service whose status (the server's and each of {@code services}) follows {@code readiness}. */
    public static GrpcHealth following(Readiness readiness, List<String> services) {
        GrpcHealth h = new GrpcHealth(services);
        readiness.onChange(h::update);
        return h;
    }

    /** Returns the service to register with the gRPC server. */
    public BindableService service() {
        return manager.getHealthService();
    }

    private void update(Readiness.State state) {
        ServingStatus s = state == Readiness.State.READY ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, s);
        services.forEach(name -> manager.setStatus(name, s));
    }
}

package dev.chorus.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InternalServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC server reflection in both versions clients use: {@code grpc.reflection.v1} and the older
 * {@code grpc.reflection.v1alpha} (grpcurl, Postman, grpc_cli and most tools still ask for it). grpc-java's two
 * implementations learn the served services from the {@link Server} in their call's context; the web framework
 * supplies that for one reflection service only, so this class supplies it for both: a stand-in server that
 * knows the services' descriptors and nothing else.
 */
public final class Reflection {

    private Reflection() {
    }

    /**
     * Returns the two reflection services, describing {@code served} and themselves. Register both beside the
     * services, instead of the framework's own reflection support.
     */
    @SuppressWarnings("deprecation") // v1alpha is deprecated in grpc-java, and still what most clients call.
    public static List<ServerServiceDefinition> services(List<ServerServiceDefinition> served) {
        List<ServerServiceDefinition> all = new ArrayList<>(served);
        Descriptors server = new Descriptors(all);
        ServerInterceptor withServer = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                Context ctx = Context.current().withValue(InternalServer.SERVER_CONTEXT_KEY, server);
                return Contexts.interceptCall(ctx, call, headers, next);
            }
        };
        List<ServerServiceDefinition> reflection = List.of(
                ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), withServer),
                ServerInterceptors.intercept(ProtoReflectionService.newInstance(), withServer));
        all.addAll(reflection);
        return reflection;
    }

    /** A server that only lists its services' definitions, which is all reflection asks of it. */
    private static final class Descriptors extends Server {

        private final List<ServerServiceDefinition> services;

        Descriptors(List<ServerServiceDefinition> services) {
            this.services = services;
        }

        @Override
        public List<ServerServiceDefinition> getServices() {
            return List.copyOf(services);
        }

        @Override
        public List<ServerServiceDefinition> getImmutableServices() {
            return List.copyOf(services);
        }

        @Override
        public List<ServerServiceDefinition> getMutableServices() {
            return List.of();
        }

        @Override
        public Server start() {
            throw new UnsupportedOperationException("a description of services, not a server");
        }

        @Override
        public Server shutdown() {
            throw new UnsupportedOperationException("a description of services, not a server");
        }

        @Override
        public Server shutdownNow() {
            throw new UnsupportedOperationException("a description of services, not a server");
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("a description of services, not a server");
        }

        @Override
        public void awaitTermination() {
            throw new UnsupportedOperationException("a description of services, not a server");
        }
    }
}

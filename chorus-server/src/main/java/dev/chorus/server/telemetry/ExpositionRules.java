package dev.chorus.server.telemetry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps {@code /metrics} clean for Prometheus's own checks ({@code promtool check metrics}): every family has HELP
 * text, units are spelled out and no gauge ends in {@code _count}.
 *
 * <ul>
 *   <li>Meters registered without a description (the HTTP server's own {@code armeria.*} meters) get one: a
 *       written one for the meters this page knows, else one made from the name.</li>
 *   <li>{@code process.cpu.time} (nanoseconds, exposed as {@code process_cpu_time_ns_total}) is replaced by
 *       {@code process_cpu_seconds_total}, the name Prometheus's own clients use.</li>
 *   <li>{@code system.cpu.count} (a gauge exposed as {@code system_cpu_count}, which reads as a histogram's
 *       count) is exposed as {@code system_cpu_logical}.</li>
 * </ul>
 */
final class ExpositionRules {

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("armeria.server.connections", "Connections open now"),
            Map.entry("armeria.server.connections.lifespan", "How long closed connections were open"),
            Map.entry("armeria.server.pending.responses", "Responses started and not finished"),
            Map.entry("armeria.server.all.requests", "Requests received, by protocol and outcome"),
            Map.entry("armeria.server.exceptions.unhandled", "Exceptions no service or decorator handled"),
            Map.entry("armeria.server.tls.handshakes", "TLS handshakes, by outcome and protocol"),
            Map.entry("armeria.server.certificate.validity", "Whether the TLS certificate is valid now (1) or not"),
            Map.entry("armeria.server.certificate.validity.days", "Days until the TLS certificate expires"));

    private ExpositionRules() {
    }

    /** Adds the rules to {@code registry}; call before any meter is registered. */
    static void applyTo(MeterRegistry registry) {
        registry.config()
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        Meter.Id named = id.getName().equals("system.cpu.count")
                                ? id.withName("system.cpu.logical") : id;
                        String description = named.getDescription();
                        if (description != null && !description.isBlank()) {
                            return named;
                        }
                        return new Meter.Id(named.getName(), Tags.of(named.getTagsAsIterable()),
                                named.getBaseUnit(), describe(named.getName()), named.getType());
                    }
                });
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os && os.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", os, x -> x.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time the process has used").register(registry);
        }
    }

    /** Returns the written description of a meter, or one made from its name ("Armeria server x y"). */
    static String describe(String name) {
        String known = DESCRIPTIONS.get(name);
        if (known != null) {
            return known;
        }
        String words = name.replace('.', ' ').replace('_', ' ');
        return words.isEmpty() ? name : words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }
}

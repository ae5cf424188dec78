package dev.chorus.cluster.worker;

import com.sun.management.OperatingSystemMXBean;
import dev.chorus.cluster.internal.WireFormat;
import dev.chorus.proto.cluster.v1.LoadReport;
import dev.chorus.proto.cluster.v1.ResidentVoice;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.runtime.SynthesisScheduler;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.TtsEngine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds a worker's load reports: backlog from the scheduler's own prediction, threads and queue, per-voice
 * real-time factor (a moving average of finished requests), CPU, process memory, GPU (when {@code nvidia-smi}
 * answers), resident voices with versions, and the draining flag.
 */
final class LoadSampler {

    /** Weight of the newest request in the per-voice real-time factor. */
    private static final double RTF_WEIGHT = 0.2;

    private final Synthesizer synthesizer;
    private final String workerId;
    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<String, Double> rtf = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile GpuProbe.Reading gpu;
    private volatile boolean draining;

    LoadSampler(Synthesizer synthesizer, String workerId, ScheduledExecutorService timer) {
        this.synthesizer = synthesizer;
        this.workerId = workerId;
        GpuProbe probe = GpuProbe.find();
        if (probe != null) {
            timer.scheduleWithFixedDelay(() -> gpu = probe.read(), 0, 1, TimeUnit.SECONDS);
        }
    }

    void draining(boolean on) {
        draining = on;
    }

    void completed(SynthesisSummary s) {
        completed.incrementAndGet();
        if (s.samples() > 0) {
            rtf.merge(s.voice(), s.realTimeFactor(), (old, now) -> old + RTF_WEIGHT * (now - old));
        }
    }

    void failed() {
        failures.incrementAndGet();
    }

    SynthesisObserver observer() {
        return SynthesisObserver.NONE;
    }

    LoadReport report() {
        SynthesisScheduler s = synthesizer.scheduler();
        double backlog = 0;
        boolean known = false;
        int threads = 0;
        int pending = 0;
        Map<String, Double> perChar = new java.util.HashMap<>();
        for (String engine : s.engines()) {
            backlog = Math.max(backlog, s.predictedWait(engine).toNanos() / 1e9);
            known |= !s.estimatedTimePerChar(engine).isZero();
            if (!s.estimatedTimePerChar(engine).isZero()) {
                perChar.put(engine, s.estimatedTimePerChar(engine).toNanos() / 1e9);
            }
            threads += s.workers(engine);
            pending += s.pendingRequests(engine);
        }
        EngineRegistry registry = synthesizer.registry();
        LoadReport.Builder b = LoadReport.newBuilder()
                .setSequence(sequence.incrementAndGet())
                .setWorkerId(workerId)
                .setBacklogSeconds(backlog)
                .setBacklogKnown(known)
                .setThreads(threads)
                .setInFlight(s.inFlight())
                .setQueued(s.queued())
                .setPendingRequests(pending)
                .putAllVoiceRtf(rtf)
                .putAllEngineSecondsPerChar(perChar)
                .setCpuLoad(Math.max(0, os.getCpuLoad()))
                .setCores(Runtime.getRuntime().availableProcessors())
                .setProcessMemoryBytes(residentBytes())
                .setDraining(draining)
                .setRequestsCompleted(completed.get())
                .setRequestsFailed(failures.get());
        GpuProbe.Reading g = gpu;
        if (g != null) {
            b.setGpuPresent(true).setGpuUtil(g.util()).setGpuMemoryUsedBytes(g.usedBytes())
                    .setGpuMemoryTotalBytes(g.totalBytes());
        }
        for (String loaded : registry.loadedVoices()) {
            int at = loaded.lastIndexOf('@');
            b.addResident(ResidentVoice.newBuilder().setId(at < 0 ? loaded : loaded.substring(0, at))
                    .setVersion(at < 0 ? "" : loaded.substring(at + 1)));
        }
        for (VoiceInfo v : registry.voices()) {
            b.addVoices(WireFormat.voice(v));
        }
        registry.engines().forEach((id, e) -> {
            if (e.languageReach() != TtsEngine.LanguageReach.ANY) {
                b.putEngineLanguageReach(id, e.languageReach().name());
            }
        });
        return b.build();
    }

    /** Returns the process's resident memory (Linux), else the JVM's heap in use. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // Fall through.
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}

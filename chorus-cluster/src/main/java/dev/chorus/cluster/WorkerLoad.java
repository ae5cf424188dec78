package dev.chorus.cluster;

import java.time.Duration;
import java.util.Map;

/**
 * What a gateway last heard from one worker: the runtime's own prediction of a new request's wait, the measured
 * real-time factor per voice, and how old that report is (the worker's heartbeat).
 *
 * @param backlogSeconds predicted wait of a new request on the worker, in seconds (0 until it is known)
 * @param voiceRtf       processing time over audio time per voice id, a moving average of finished requests
 * @param reportAge      time since the worker's latest report arrived
 */
public record WorkerLoad(double backlogSeconds, Map<String, Double> voiceRtf, Duration reportAge) {

    public WorkerLoad {
        voiceRtf = Map.copyOf(voiceRtf);
    }
}

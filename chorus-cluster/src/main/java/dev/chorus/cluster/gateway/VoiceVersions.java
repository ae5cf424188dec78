package dev.chorus.cluster.gateway;

import dev.chorus.proto.cluster.v1.LoadReport;
import dev.chorus.proto.cluster.v1.ResidentVoice;
import dev.chorus.proto.cluster.v1.VoiceDescription;
import dev.chorus.tts.VoiceInfo;

import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Voice versions across the workers. A request for {@code voice@N} (pinned) may run only on workers that serve
 * version N; an unversioned request runs on the workers that serve the version the gateway's catalog holds (the
 * newest any worker has) when some able worker does, else on any version, so that a new version takes over as
 * workers get it and no request fails meanwhile.
 */
final class VoiceVersions {

    private VoiceVersions() {
    }

    /** Tells whether a worker's report offers {@code voiceId} at {@code version}. */
    static boolean serves(LoadReport r, String voiceId, String version) {
        for (VoiceDescription v : r.getVoicesList()) {
            if (v.getId().equals(voiceId) && v.getVersion().equals(version)) {
                return true;
            }
        }
        return false;
    }

    /** Tells whether a worker's report lists {@code voiceId} at {@code version} as loaded now. */
    static boolean resident(LoadReport r, String voiceId, String version) {
        for (ResidentVoice v : r.getResidentList()) {
            if (v.getId().equals(voiceId) && v.getVersion().equals(version)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Narrows the able workers to the version rule above.
     *
     * @param pinned whether the request named the version
     */
    static <C> List<C> narrow(List<C> able, Function<C, LoadReport> report, VoiceInfo voice, boolean pinned) {
        List<C> same = able.stream().filter(c -> serves(report.apply(c), voice.id(), voice.version())).toList();
        return pinned || !same.isEmpty() ? same : able;
    }

    /** Returns the versions of {@code voiceId} the reports offer, sorted. */
    static TreeSet<String> offered(Iterable<LoadReport> reports, String voiceId) {
        TreeSet<String> out = new TreeSet<>();
        for (LoadReport r : reports) {
            for (VoiceDescription v : r.getVoicesList()) {
                if (v.getId().equals(voiceId)) {
                    out.add(v.getVersion());
                }
            }
        }
        return out;
    }
}

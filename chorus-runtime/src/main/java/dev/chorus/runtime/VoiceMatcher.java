package dev.chorus.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Finds installed voice ids close to a mistyped one, for "did you mean" messages. */
final class VoiceMatcher {

    private static final int MAX_SUGGESTIONS = 5;

    private VoiceMatcher() {
    }

    /** Returns up to five ids from {@code ids} that look like {@code wanted}, closest first. */
    static List<String> closest(String wanted, List<String> ids) {
        String w = wanted.toLowerCase(Locale.ROOT);
        String wLocal = local(w);
        return ids.stream()
                .map(id -> new Scored(id, score(w, wLocal, id.toLowerCase(Locale.ROOT))))
                .filter(s -> s.score <= Math.max(2, wLocal.length() / 3))
                .sorted(Comparator.comparingInt(Scored::score).thenComparing(Scored::id))
                .limit(MAX_SUGGESTIONS)
                .map(Scored::id)
                .toList();
    }

    private static int score(String wanted, String wantedLocal, String id) {
        String idLocal = local(id);
        if (idLocal.startsWith(wantedLocal) || wantedLocal.startsWith(idLocal)) {
            return Math.min(1, Math.abs(idLocal.length() - wantedLocal.length()));
        }
        return Math.min(EditDistance.between(wanted, id), EditDistance.between(wantedLocal, idLocal));
    }

    private static String local(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(colon + 1);
    }

    private record Scored(String id, int score) {
    }
}

package dev.chorus.cluster.host;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.ParsedRequest;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisObserver;
import dev.chorus.service.Synthesis;

import java.util.Set;

/**
 * The {@link Synthesis} of a server whose native engines run in engine host processes: a request whose voice
 * belongs to an isolated engine goes to the hosts, any other runs on this process's own engines. A request runs
 * where its own voice's engine is; SSML {@code <voice>} switches reach only voices of the same side.
 */
public final class IsolatedEngines implements Synthesis {

    private final Synthesis local;
    private final Synthesis hosts;
    private final Set<String> isolated;
    private final EngineRegistry catalog;

    /** Creates the router: {@code isolated} engine ids go to {@code hosts}, the others to {@code local}. */
    public IsolatedEngines(Synthesis local, Synthesis hosts, Set<String> isolated, EngineRegistry catalog) {
        this.local = local;
        this.hosts = hosts;
        this.isolated = Set.copyOf(isolated);
        this.catalog = catalog;
    }

    @Override
    public SynthesisHandle start(ParsedRequest request, SynthesisListener listener, SynthesisObserver observer,
                                 boolean reuseSentences) {
        String engine = catalog.resolve(request.request().voice()).engine();
        return (isolated.contains(engine) ? hosts : local).start(request, listener, observer, reuseSentences);
    }

    @Override
    public long nanoTime() {
        return local.nanoTime();
    }
}

package dev.chorus.cluster;

/**
 * Implemented by a gateway's synthesis handles: tells which worker runs the request now, so a supervisor of local
 * worker processes can tie a request to the process that runs it.
 */
public interface WorkerPlaced {

    /** Returns the address ({@code host:port}) of the worker that runs the request now, or null before the first. */
    String workerAddress();
}

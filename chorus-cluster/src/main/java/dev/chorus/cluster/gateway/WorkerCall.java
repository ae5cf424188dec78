package dev.chorus.cluster.gateway;

/** A call a request has running on a worker, which moves elsewhere when that worker is ejected. */
interface WorkerCall {

    /** Abandons the call on {@code worker} (ejected) and resumes it elsewhere. */
    void moveOff(WorkerLink worker);
}

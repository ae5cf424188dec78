/**
 * Crash isolation for native engines: {@link dev.chorus.cluster.host.EngineHosts} supervises engine host
 * processes (workers of the cluster's worker API on loopback), {@link dev.chorus.cluster.host.IsolatedEngines}
 * routes the isolated engines' requests to them, and {@link dev.chorus.cluster.host.CrashGuard} re-runs what a
 * crashed or hung host cut on a fresh host, kills hosts that hang, and refuses inputs that crashed a host twice on
 * their own and voices that keep crashing hosts.
 */
package dev.chorus.cluster.host;

/**
 * Crash isolation for native engines: {@link dev.chorus.cluster.host.EngineHosts} supervises engine host
 * processes (workers of the cluster's worker API on loopback), {@link dev.chorus.cluster.host.IsolatedEngines}
 * routes the isolated engines' requests to them, and {@link dev.chorus.cluster.host.CrashGuard} refuses inputs that
 * crashed hosts twice.
 */
package dev.chorus.cluster.host;

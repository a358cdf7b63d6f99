package dev.renderbank.platform;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The application's {@link PostgresWatchdog} for the PostgreSQL servers tests start themselves
 * (the shared test server, the bank test's server): a test JVM killed with SIGKILL (a Surefire
 * timeout, a developer's Ctrl-\, an OOM killer) then takes its server with it instead of leaving a
 * postmaster running, and its shared memory and port taken, until someone finds it.
 */
public final class ServerWatchdogs {

    private ServerWatchdogs() {}

    /** Watches the server now running in {@code dataDir}; empty when there is none or no {@code /bin/sh}. */
    public static Optional<AutoCloseable> watch(Path dataDir) {
        return Postmaster.read(dataDir)
                .flatMap(pm -> PostgresWatchdog.watch(dataDir, pm.pid()))
                .map(w -> w);
    }
}

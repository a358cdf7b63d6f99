package dev.renderbank.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the embedded PostgreSQL when the JVM that runs it dies, however it dies. PostgreSQL is
 * started detached (its own session, so a terminal's Ctrl-C does not reach it) and cannot know
 * its owner; a thread in the JVM dies with the JVM. So a tiny {@code /bin/sh} child waits on a pipe
 * whose only writer is this JVM: the kernel closes that pipe when the JVM exits, the shell's
 * {@code read} returns, and it sends the postmaster SIGINT (fast shutdown) - but only if
 * {@code postmaster.pid} still names that same server, so it never stops a server a new owner has
 * started meanwhile. No polling, no reliance on pids staying unique. Where there is no
 * {@code /bin/sh} (Windows) the next start's stale-server check is the only cleanup.
 */
final class PostgresWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresWatchdog.class);
    private static final Path SHELL = Path.of("/bin/sh");

    // $1: the postmaster.pid file, $2: the postmaster's pid. INT/HUP are ignored so that a Ctrl-C
    // aimed at the application's process group does not take the watchdog with it.
    private static final String SCRIPT = """
            trap '' INT HUP
            while read -r line; do :; done
            IFS= read -r first < "$1" || exit 0
            [ "$first" = "$2" ] && kill -INT "$2"
            exit 0
            """;

    private final Process process;

    private PostgresWatchdog(Process process) {
        this.process = process;
    }

    static Optional<PostgresWatchdog> watch(Path dataDir, long postmasterPid) {
        if (!Files.isExecutable(SHELL)) {
            log.warn(
                    "No {}: the embedded PostgreSQL is not stopped if this process is killed (the next start does)",
                    SHELL);
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(
                            SHELL.toString(),
                            "-c",
                            SCRIPT,
                            "renderbank-postgres-watchdog",
                            dataDir.resolve("postmaster.pid").toString(),
                            Long.toString(postmasterPid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return Optional.of(new PostgresWatchdog(p));
        } catch (IOException e) {
            log.warn("Could not start the embedded PostgreSQL's watchdog: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Call after the server is stopped: the watchdog then finds no server of its own and exits. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            process.destroy();
        }
    }
}
